using System.Runtime.InteropServices;

namespace IocCenter.Telemetry;

/// <summary>
/// The readings of one message, filled by <see cref="TelemetryPayloadParser"/>. Reused from message to
/// message on the ingest hot path, so it is only valid until the next parse.
/// </summary>
public sealed class TelemetryBatch
{
    private readonly List<MetricValue> _metrics = new(16);
    private readonly List<(long TimestampMs, int Start, int Count)> _readings = new(4);

    public int Count => _readings.Count;

    public long TimestampMs(int index) => _readings[index].TimestampMs;

    public ReadOnlySpan<MetricValue> Metrics(int index)
    {
        var (_, start, count) = _readings[index];
        return CollectionsMarshal.AsSpan(_metrics).Slice(start, count);
    }

    internal int MetricCount => _metrics.Count;

    internal ReadOnlySpan<MetricValue> MetricsSince(int start) => CollectionsMarshal.AsSpan(_metrics)[start..];

    internal void AddMetric(MetricValue metric) => _metrics.Add(metric);

    internal void AddReading(long timestampMs, int metricStart) =>
        _readings.Add((timestampMs, metricStart, _metrics.Count - metricStart));

    internal void Clear()
    {
        _metrics.Clear();
        _readings.Clear();
    }
}
