using IocCenter.Telemetry;

namespace IocCenter.Simulators.Models;

/// <summary>
/// A road counter: flow with a morning (7–8 h) and an evening (17–18 h) rush, lighter on weekends and at
/// night; speed falls and occupancy rises as flow approaches the road's capacity.
/// </summary>
public sealed class TrafficModel : DeviceModel
{
    private readonly double _capacityPerMinute;
    private readonly double _freeFlowKmh;
    private double _noise;

    public TrafficModel(int seed)
        : base(seed)
    {
        _capacityPerMinute = 20 + (Random.NextDouble() * 60);
        _freeFlowKmh = 40 + (Random.NextDouble() * 30);
    }

    public override TelemetryDomain Domain => TelemetryDomain.Traffic;

    public override void Sample(long epochMs, List<MetricValue> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var hour = LocalTime.HourOfDay(epochMs);
        var weekend = LocalTime.IsWeekend(epochMs);
        var rush = weekend
            ? 0.55 * LocalTime.Bump(hour, 10, 2.5) + 0.5 * LocalTime.Bump(hour, 17.5, 2)
            : 0.95 * LocalTime.Bump(hour, 7.25, 1.0) + 1.0 * LocalTime.Bump(hour, 17.5, 1.2) + 0.45 * LocalTime.Bump(hour, 12, 2);
        var day = LocalTime.Bump(hour, 13, 4.5);
        _noise = (0.8 * _noise) + (0.2 * Gaussian());
        var load = Math.Clamp((0.05 + (0.35 * day) + (0.6 * rush)) * (1 + (0.08 * _noise)), 0.01, 1.05);

        var count = Math.Max(0, (long)Math.Round(_capacityPerMinute * load + Gaussian()));
        var occupancy = Math.Clamp((100 * Math.Pow(load, 1.6) * 0.85) + (2 * Gaussian()), 0, 100);
        // Rush hours are slow, not jammed: jams are what the congestion scenarios inject.
        var speed = Math.Clamp(_freeFlowKmh * (1 - (0.4 * Math.Pow(load, 2.2))) + (2 * Gaussian()), 3, 120);

        metrics.Add(new MetricValue("vehicle_count", count, IsInteger: true));
        metrics.Add(new MetricValue("avg_speed_kmh", Round(speed, 1), IsInteger: false));
        metrics.Add(new MetricValue("occupancy_pct", Round(occupancy, 1), IsInteger: false));
    }
}
