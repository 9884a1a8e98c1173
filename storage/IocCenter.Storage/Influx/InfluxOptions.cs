using System.ComponentModel.DataAnnotations;

namespace IocCenter.Storage.Influx;

/// <summary>
/// InfluxDB through its HTTP API: native on 1.x, the v1-compatibility API on 2.x and 3.x.
/// Bound from configuration section <c>Influx</c>.
/// </summary>
public sealed class InfluxOptions
{
    public const string Section = "Influx";

    /// <summary>Required where InfluxDB is the telemetry store (the ingest host); the all-in-one host uses SQLite without it.</summary>
    public Uri? Url { get; set; }

    [Required, RegularExpression("^[^\"\\n]{1,64}$")]
    public string Database { get; set; } = "ioc";

    /// <summary>1.x user (sent as HTTP Basic authentication).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>2.x / 3.x API token (sent as <c>Authorization: Token ...</c>); wins over Username/Password.</summary>
    public string? Token { get; set; }

    /// <summary>Create the database at start where the credentials allow it.</summary>
    public bool CreateDatabase { get; set; } = true;

    /// <summary>Points per write request.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 5000;

    /// <summary>The longest a point waits for its batch to fill.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    [Range(1, 64)]
    public int MaxConcurrentWrites { get; set; } = 4;

    public bool Gzip { get; set; } = true;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
