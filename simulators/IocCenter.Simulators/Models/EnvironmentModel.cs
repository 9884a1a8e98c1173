using IocCenter.Telemetry;

namespace IocCenter.Simulators.Models;

/// <summary>
/// An air-quality station in the Mekong delta: temperature 24–33 °C peaking mid-afternoon, humidity its
/// mirror; PM2.5 rises with the rush hours (traffic) and at night when the boundary layer is low (inversion).
/// </summary>
public sealed class EnvironmentModel : DeviceModel
{
    private readonly double _pmBase;
    private readonly double _temperatureBias;
    private double _pmNoise;

    public EnvironmentModel(int seed)
        : base(seed)
    {
        // A clean delta town: the night-time rise stays below VN_AQI "Kém"; pollution episodes are injected.
        _pmBase = 8 + (Random.NextDouble() * 10);
        _temperatureBias = (Random.NextDouble() - 0.5) * 2;
    }

    public override TelemetryDomain Domain => TelemetryDomain.Environment;

    public override void Sample(long epochMs, List<MetricValue> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var hour = LocalTime.HourOfDay(epochMs);
        var heat = (Math.Cos((hour - 14.5) / 24 * 2 * Math.PI) + 1) / 2;
        var temperature = 24.5 + (8 * heat) + _temperatureBias + (0.3 * Gaussian());
        var humidity = Math.Clamp(92 - (30 * heat) + (2 * Gaussian()), 20, 100);

        var traffic = LocalTime.Bump(hour, 7.5, 1.2) + LocalTime.Bump(hour, 18, 1.5);
        var inversion = LocalTime.Bump(hour, 3, 3.5);
        _pmNoise = (0.9 * _pmNoise) + (0.1 * Gaussian());
        var pm25 = Math.Max(1, _pmBase * (1 + (0.6 * traffic) + (0.8 * inversion)) * (1 + (0.15 * _pmNoise)));
        var pm10 = pm25 * (1.6 + (0.1 * Gaussian()));
        var no2 = Math.Max(1, 15 + (25 * traffic) + (3 * Gaussian()));
        var o3 = Math.Max(1, 20 + (60 * heat) - (10 * traffic) + (4 * Gaussian()));
        var co = Math.Max(100, 500 + (700 * traffic) + (300 * inversion) + (40 * Gaussian()));
        var so2 = Math.Max(0.5, 6 + (4 * traffic) + Gaussian());
        var noise = Math.Clamp(45 + (20 * traffic) + (10 * LocalTime.Bump(hour, 13, 5)) + (2 * Gaussian()), 25, 120);

        metrics.Add(new MetricValue("pm25_ugm3", Round(pm25, 1), IsInteger: false));
        metrics.Add(new MetricValue("pm10_ugm3", Round(Math.Max(pm25, pm10), 1), IsInteger: false));
        metrics.Add(new MetricValue("no2_ugm3", Round(no2, 1), IsInteger: false));
        metrics.Add(new MetricValue("o3_ugm3", Round(o3, 1), IsInteger: false));
        metrics.Add(new MetricValue("co_ugm3", Round(co, 0), IsInteger: false));
        metrics.Add(new MetricValue("so2_ugm3", Round(so2, 1), IsInteger: false));
        metrics.Add(new MetricValue("temperature_c", Round(temperature, 1), IsInteger: false));
        metrics.Add(new MetricValue("humidity_pct", Round(humidity, 1), IsInteger: false));
        metrics.Add(new MetricValue("noise_dba", Round(noise, 1), IsInteger: false));
    }
}
