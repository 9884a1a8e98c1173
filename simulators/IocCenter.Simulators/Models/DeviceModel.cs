using IocCenter.Telemetry;

namespace IocCenter.Simulators.Models;

/// <summary>
/// What one simulated device reports at a given time. Values depend only on the device's seed, the
/// timestamps asked for and their order, so a seed reproduces a run.
/// </summary>
public abstract class DeviceModel(int seed)
{
    protected Random Random { get; } = new(seed);

    public abstract TelemetryDomain Domain { get; }

    /// <summary>Fills <paramref name="metrics"/> with the device's reading at <paramref name="epochMs"/>.</summary>
    public abstract void Sample(long epochMs, List<MetricValue> metrics);

    /// <summary>Standard normal noise (Box–Muller).</summary>
    protected double Gaussian()
    {
        var u1 = 1.0 - Random.NextDouble();
        var u2 = Random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    protected static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);

    public static DeviceModel Create(TelemetryDomain domain, int seed) => domain switch
    {
        TelemetryDomain.Traffic => new TrafficModel(seed),
        TelemetryDomain.Environment => new EnvironmentModel(seed),
        TelemetryDomain.Connectivity => new ConnectivityModel(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(domain)),
    };
}
