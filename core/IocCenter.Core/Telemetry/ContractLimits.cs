using System.ComponentModel.DataAnnotations;

namespace IocCenter.Telemetry;

/// <summary>Limits of the v1 payload contract; bound from configuration section <c>Contract</c>.</summary>
public sealed class ContractLimits
{
    public const string Section = "Contract";

    [Range(256, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Readings in one array payload (a device flushing what it buffered offline).</summary>
    [Range(1, 100_000)]
    public int MaxBatchLength { get; set; } = 1000;

    [Range(1, 1024)]
    public int MaxMetricsPerReading { get; set; } = 64;

    /// <summary>How far in the future a device clock may run.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Oldest reading accepted, relative to the time received.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);
}
