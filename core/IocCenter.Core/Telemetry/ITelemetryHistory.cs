namespace IocCenter.Telemetry;

/// <summary>One bucket of a downsampled series: the mean, smallest and largest value of a metric in [Start, Start + bucket).</summary>
public readonly record struct SeriesPoint(long StartMs, double Mean, double Min, double Max);

/// <summary>One stored reading of a device.</summary>
public sealed record HistoryReading(string DeviceId, long TimestampMs, MetricValue[] Metrics);

/// <summary>
/// Reads stored telemetry back (the telemetry store: InfluxDB, or the embedded one). Used to train models from
/// history; bounded by the caller so a province's week of data is never loaded whole.
/// </summary>
public interface ITelemetryHistory
{
    /// <summary>
    /// Readings of one domain in [<paramref name="since"/>, <paramref name="until"/>): at most
    /// <paramref name="maxDevices"/> devices and the latest <paramref name="maxPerDevice"/> readings of each, grouped
    /// by device, oldest first within a device.
    /// </summary>
    Task<IReadOnlyList<HistoryReading>> ReadAsync(TelemetryDomain domain, DateTimeOffset since, DateTimeOffset until, int maxDevices, int maxPerDevice, CancellationToken cancellationToken);

    /// <summary>
    /// One device's metric in [<paramref name="since"/>, <paramref name="until"/>), downsampled by the store into
    /// buckets of <paramref name="bucket"/> (aligned to the epoch), oldest first; empty buckets are left out.
    /// </summary>
    Task<IReadOnlyList<SeriesPoint>> SeriesAsync(TelemetryDomain domain, string deviceId, string metric, DateTimeOffset since, DateTimeOffset until, TimeSpan bucket, CancellationToken cancellationToken);
}
