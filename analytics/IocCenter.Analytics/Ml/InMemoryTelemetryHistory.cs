using IocCenter.Telemetry;

namespace IocCenter.Analytics.Ml;

/// <summary>
/// Telemetry history kept in memory (the simulated evaluation, tests): the same reading contract as the stores.
/// Keeps at most <paramref name="maxPerDevice"/> readings per device (the oldest go first).
/// </summary>
public sealed class InMemoryTelemetryHistory(int maxPerDevice = 20_000) : ITelemetryHistory
{
    private readonly Dictionary<(TelemetryDomain, string), Queue<HistoryReading>> _readings = [];

    public void Add(TelemetryDomain domain, string deviceId, long timestampMs, ReadOnlySpan<MetricValue> metrics)
    {
        if (!_readings.TryGetValue((domain, deviceId), out var queue))
        {
            _readings[(domain, deviceId)] = queue = new Queue<HistoryReading>();
        }

        if (queue.Count == maxPerDevice)
        {
            queue.Dequeue();
        }

        queue.Enqueue(new HistoryReading(deviceId, timestampMs, metrics.ToArray()));
    }

    public Task<IReadOnlyList<HistoryReading>> ReadAsync(TelemetryDomain domain, DateTimeOffset since, DateTimeOffset until, int maxDevices, int maxPerDevice, CancellationToken cancellationToken)
    {
        var (start, end) = (since.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds());
        var result = _readings
            .Where(d => d.Key.Item1 == domain)
            .OrderBy(d => d.Key.Item2, StringComparer.Ordinal)
            .Select(d => d.Value.Where(r => r.TimestampMs >= start && r.TimestampMs < end).OrderBy(r => r.TimestampMs).ToList())
            .Where(inWindow => inWindow.Count > 0)
            .Take(maxDevices)
            .SelectMany(inWindow => inWindow.Skip(Math.Max(0, inWindow.Count - maxPerDevice)))
            .ToList();
        return Task.FromResult<IReadOnlyList<HistoryReading>>(result);
    }

    public Task<IReadOnlyList<SeriesPoint>> SeriesAsync(TelemetryDomain domain, string deviceId, string metric, DateTimeOffset since, DateTimeOffset until, TimeSpan bucket, CancellationToken cancellationToken)
    {
        var (start, end, size) = (since.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds(), Math.Max(1, (long)bucket.TotalMilliseconds));
        var values = _readings.GetValueOrDefault((domain, deviceId))?
            .Where(r => r.TimestampMs >= start && r.TimestampMs < end)
            .SelectMany(r => r.Metrics.Where(m => m.Name == metric).Select(m => (Bucket: r.TimestampMs / size * size, m.Value)))
            .GroupBy(v => v.Bucket)
            .OrderBy(g => g.Key)
            .Select(g => new SeriesPoint(g.Key, g.Average(v => v.Value), g.Min(v => v.Value), g.Max(v => v.Value)))
            .ToList() ?? [];
        return Task.FromResult<IReadOnlyList<SeriesPoint>>(values);
    }
}
