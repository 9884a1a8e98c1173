using IocCenter.Analytics.Incidents;
using IocCenter.Telemetry;

namespace IocCenter.Analytics.Detectors;

/// <summary>One reading as detectors see it; a ref struct so the hot path copies nothing.</summary>
public readonly ref struct DeviceSample(string deviceId, TelemetryDomain domain, string? area, long timestampMs, ReadOnlySpan<MetricValue> metrics)
{
    public string DeviceId { get; } = deviceId;

    public TelemetryDomain Domain { get; } = domain;

    public string? Area { get; } = area;

    public long TimestampMs { get; } = timestampMs;

    public ReadOnlySpan<MetricValue> Metrics { get; } = metrics;

    public bool TryGet(string metric, out double value)
    {
        foreach (var m in Metrics)
        {
            if (ReferenceEquals(m.Name, metric) || m.Name == metric)
            {
                value = m.Value;
                return true;
            }
        }

        value = double.NaN;
        return false;
    }
}

/// <summary>A detector's verdict on a condition: raise it (present) or clear it.</summary>
public readonly record struct ConditionChange(IncidentKind Kind, string? DeviceId, string? Area, bool Present, Severity Severity, Evidence Evidence, long AtMs);
