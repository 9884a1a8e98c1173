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

    /// <summary>Builds the vector and remembers the reading as the device's previous one.</summary>
    public float[] Build(string deviceId, long timestampMs, ReadOnlySpan<MetricValue> metrics)
    {
        var features = new float[Length];
        var previous = _previous.GetValueOrDefault(deviceId);
        var current = new float[_metrics.Length];
        for (var i = 0; i < _metrics.Length; i++)
        {
            var value = previous?[i] ?? 0f;
            foreach (var m in metrics)
            {
                if (m.Name == _metrics[i])
                {
                    value = (float)m.Value;
                    break;
                }
            }

            current[i] = value;
            features[i] = value;
        }

        _previous[deviceId] = current;
        var local = DateTimeOffset.FromUnixTimeMilliseconds(timestampMs).ToOffset(TimeSpan.FromHours(7));
        var angle = (local.Hour + (local.Minute / 60.0)) / 24 * 2 * Math.PI;
        features[^2] = (float)Math.Sin(angle);
        features[^1] = (float)Math.Cos(angle);
        return features;
    }
}
