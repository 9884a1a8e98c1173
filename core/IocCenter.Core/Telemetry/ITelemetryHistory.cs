namespace IocCenter.Telemetry;

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
}
