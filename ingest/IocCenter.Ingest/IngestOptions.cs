using System.ComponentModel.DataAnnotations;

namespace IocCenter.Ingest;

/// <summary>Bound from configuration section <c>Ingest</c>.</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Where the write-ahead journal and the dead-letter log live.</summary>
    [Required]
    public string DataPath { get; set; } = Path.Combine("data", "ingest");

    /// <summary>
    /// The most readings (as bytes of line protocol) held on disk while InfluxDB is behind or away.
    /// When full, ingest stops acknowledging and the broker holds the messages.
    /// </summary>
    [Range(1L << 20, long.MaxValue)]
    public long JournalMaxBytes { get; set; } = 2L << 30;

    [Range(1L << 16, 1L << 32)]
    public long JournalSegmentBytes { get; set; } = 64L << 20;

    /// <summary>On shutdown, how long to keep writing what is journaled to InfluxDB; the rest is written at the next start.</summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(1, 3650)]
    public int DeadLetterRetentionDays { get; set; } = 30;
}
