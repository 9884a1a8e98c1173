using IocCenter.Telemetry;

namespace IocCenter.Simulators.Models;

/// <summary>
/// A network access point: latency with jitter and occasional short spikes, small packet loss with rare
/// bursts, users and throughput following the working day.
/// </summary>
public sealed class ConnectivityModel : DeviceModel
{
    private readonly double _baseLatencyMs;
    private readonly double _signalDbm;
    private readonly int _capacityClients;

    public ConnectivityModel(int seed)
        : base(seed)
    {
        _baseLatencyMs = 8 + (Random.NextDouble() * 25);
        _signalDbm = -55 - (Random.NextDouble() * 30);
        _capacityClients = 30 + Random.Next(200);
    }

    public override TelemetryDomain Domain => TelemetryDomain.Connectivity;

    public override void Sample(long epochMs, List<MetricValue> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var hour = LocalTime.HourOfDay(epochMs);
        var usage = Math.Clamp(0.08 + (0.75 * LocalTime.Bump(hour, 10.5, 3)) + (0.6 * LocalTime.Bump(hour, 20, 2)), 0, 1);
        var clients = Math.Max(0, (long)Math.Round(_capacityClients * usage * (1 + (0.1 * Gaussian()))));
        var jitter = Math.Abs(Gaussian()) * 0.25 * _baseLatencyMs;
        var spike = Random.NextDouble() < 0.01 ? Random.NextDouble() * 80 : 0;
        var latency = _baseLatencyMs * (1 + (0.4 * usage)) + jitter + spike;
        // Clean links lose a little now and then; lasting or heavy loss is what the degradation scenarios inject.
        var loss = Math.Clamp(Math.Abs(Gaussian()) * 0.15 + (Random.NextDouble() < 0.01 ? 0.2 + (Random.NextDouble() * 0.8) : 0), 0, 100);
        var throughput = Math.Max(0.1, clients * (1.5 + Random.NextDouble()) * (1 - (loss / 20)));
        var signal = Math.Clamp(_signalDbm + (1.5 * Gaussian()), -120, 0);

        metrics.Add(new MetricValue("latency_ms", Round(latency, 1), IsInteger: false));
        metrics.Add(new MetricValue("packet_loss_pct", Round(loss, 2), IsInteger: false));
        metrics.Add(new MetricValue("throughput_mbps", Round(throughput, 1), IsInteger: false));
        metrics.Add(new MetricValue("clients", clients, IsInteger: true));
        metrics.Add(new MetricValue("signal_dbm", Round(signal, 1), IsInteger: false));
    }
}
