using IocCenter.Telemetry;

namespace IocCenter.Analytics.Ml;

/// <summary>
/// The feature vector of one reading for its domain's model: the domain's contract metrics (catalog order; a
/// missing one counts as its previous value) and the local time of day as a point on a circle (so 23:59 and
/// 00:00 are neighbours). Changes since the previous reading were tried and left out: their heavy tails at rush
/// transitions drowned the signal (AUC 0.5–0.9 with them, above 0.95 without).
/// </summary>
public sealed class DomainFeatures(TelemetryDomain domain)
{
    private readonly string[] _metrics = MetricCatalog.For(domain).Select(m => m.Name).ToArray();
    private readonly Dictionary<string, float[]> _previous = new(StringComparer.Ordinal);

    public TelemetryDomain Domain { get; } = domain;

    public int Length => _metrics.Length + 2;

    public IReadOnlyList<string> Names => [.. _metrics, "hour_sin", "hour_cos"];

    /// <summary>Builds the vector (a new array) and remembers the reading as the device's previous one.</summary>
    public float[] Build(string deviceId, long timestampMs, ReadOnlySpan<MetricValue> metrics)
    {
        var features = new float[Length];
        Fill(features, deviceId, timestampMs, metrics);
        return features;
    }

    /// <summary>Writes the vector into <paramref name="features"/> (<see cref="Length"/> long) without allocating, once the device is known.</summary>
    public void Fill(Span<float> features, string deviceId, long timestampMs, ReadOnlySpan<MetricValue> metrics)
    {
        if (!_previous.TryGetValue(deviceId, out var current))
        {
            _previous[deviceId] = current = new float[_metrics.Length];
        }

        // The device's last value of each metric is kept in place: a metric missing from this reading keeps it.
        for (var i = 0; i < _metrics.Length; i++)
        {
            foreach (var m in metrics)
            {
                if (m.Name == _metrics[i])
                {
                    current[i] = (float)m.Value;
                    break;
                }
            }

            features[i] = current[i];
        }

        var local = DateTimeOffset.FromUnixTimeMilliseconds(timestampMs).ToOffset(TimeSpan.FromHours(7));
        var angle = (local.Hour + (local.Minute / 60.0)) / 24 * 2 * Math.PI;
        features[_metrics.Length] = (float)Math.Sin(angle);
        features[_metrics.Length + 1] = (float)Math.Cos(angle);
    }
}
