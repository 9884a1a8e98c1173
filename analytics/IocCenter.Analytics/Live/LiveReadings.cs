using System.Threading.Channels;
using IocCenter.Telemetry;
using Microsoft.Extensions.Options;

namespace IocCenter.Analytics.Live;

/// <summary>A reading (or a status) on its way from ingest to the detectors; owns a copy of the metrics.</summary>
public sealed record LiveReading(string DeviceId, TelemetryDomain Domain, string? Area, long TimestampMs, MetricValue[] Metrics, bool? Online = null);

/// <summary>
/// The hand-over from ingest's hot path to the analytics loop: copies and queues, never blocks. When the
/// detectors fall behind by <see cref="AnalyticsOptions.QueueCapacity"/> readings, the oldest are dropped and
/// counted: analytics degrades, storage does not.
/// </summary>
public sealed class LiveReadings : IReadingSink
{
    private readonly Channel<LiveReading> _channel;
    private long _dropped;

    public LiveReadings(IOptions<AnalyticsOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.QueueCapacity)
    {
    }

    /// <summary>A queue for another consumer of the live readings (the dashboard), holding at most <paramref name="capacity"/>.</summary>
    public LiveReadings(int capacity) =>
        _channel = Channel.CreateBounded<LiveReading>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));

    public long Dropped => Interlocked.Read(ref _dropped);

    public ChannelReader<LiveReading> Reader => _channel.Reader;

    public void Accept(string deviceId, TelemetryDomain domain, string? area, long timestampMs, ReadOnlySpan<MetricValue> metrics) =>
        _channel.Writer.TryWrite(new LiveReading(deviceId, domain, area, timestampMs, metrics.ToArray()));

    public void AcceptStatus(string deviceId, TelemetryDomain domain, string? area, bool online, long timestampMs) =>
        _channel.Writer.TryWrite(new LiveReading(deviceId, domain, area, timestampMs, [], online));
}
