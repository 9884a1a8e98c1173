using IocCenter.Devices;
using IocCenter.Simulators.Models;
using IocCenter.Telemetry;

namespace IocCenter.Simulators.Fleet;

/// <summary>One device of the fleet: its registry record and its model.</summary>
public sealed class SimulatedDevice(DeviceRecord record, DeviceModel model)
{
    private readonly List<MetricValue> _metrics = new(12);
    private long _lastTimestampMs = long.MinValue;
    private long _sent;

    public DeviceRecord Record { get; } = record;

    public DeviceModel Model { get; } = model;

    public string TelemetryTopic { get; } = Telemetry.TelemetryTopic.Telemetry(record.Domain, record.Id);

    public string StatusTopic { get; } = Telemetry.TelemetryTopic.Status(record.Domain, record.Id);

    /// <summary>Readings this device has had acknowledged.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    internal void CountSent() => Interlocked.Increment(ref _sent);

    /// <summary>The next reading's payload. Timestamps strictly increase per device, so no two readings are one point.</summary>
    public byte[] NextPayload(long proposedEpochMs) => NextPayload(proposedEpochMs, null)!;

    /// <summary>The next reading with the plan's anomalies applied; null when the plan keeps the device silent.</summary>
    public byte[]? NextPayload(long proposedEpochMs, Scenarios.ScenarioPlan? plan)
    {
        var timestamp = Math.Max(proposedEpochMs, _lastTimestampMs + 1);
        _lastTimestampMs = timestamp;
        _metrics.Clear();
        Model.Sample(timestamp, _metrics);
        return plan is null || plan.Apply(this, timestamp, _metrics) ? TelemetryPayload.Encode(timestamp, _metrics) : null;
    }
}
