using IocCenter.Simulators.Fleet;
using IocCenter.Telemetry;

namespace IocCenter.Simulators.Scenarios;

/// <summary>
/// Schedules anomalies over a fleet and a time window: <c>episodesPerKind</c> of every scenario, on random
/// devices (of the domain the scenario concerns) at random times, never two on one device within two hours of
/// each other. Deterministic for a seed. Also applies them to readings as they are made.
/// </summary>
public sealed class ScenarioPlan
{
    private static readonly TimeSpan Spacing = TimeSpan.FromHours(2);
    private readonly Dictionary<string, List<ScenarioEpisode>> _byDevice = new(StringComparer.Ordinal);
    private const int AreaOutageMinDevices = 3;
    private readonly Dictionary<string, List<ScenarioEpisode>> _byArea = new(StringComparer.Ordinal);
    private readonly Dictionary<(ScenarioEpisode Episode, string Metric), double> _stuckValues = [];

    private ScenarioPlan(IReadOnlyList<ScenarioEpisode> episodes)
    {
        Episodes = episodes;
        foreach (var e in episodes)
        {
            var index = e.Scenario == ScenarioKind.AreaOutage ? _byArea : _byDevice;
            var key = e.Scenario == ScenarioKind.AreaOutage ? e.Area! : e.Device!;
            if (!index.TryGetValue(key, out var list))
            {
                index[key] = list = [];
            }

            list.Add(e);
        }
    }

    public IReadOnlyList<ScenarioEpisode> Episodes { get; }

    public static ScenarioPlan None { get; } = new([]);

    /// <param name="interval">The devices' reporting interval: a spike lasts exactly one reading.</param>
    public static ScenarioPlan Create(IReadOnlyList<SimulatedDevice> devices, DateTimeOffset start, TimeSpan window, TimeSpan interval, int episodesPerKind, int seed)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var random = new Random(seed);
        var busy = new Dictionary<string, List<(DateTimeOffset From, DateTimeOffset To)>>(StringComparer.Ordinal);
        var episodes = new List<ScenarioEpisode>();

        // An area outage takes a commune with a few devices (analytics' AreaOutageMinDevices is 3 by default): one or two
        // silent devices are dropouts. A small fleet over many communes may have none; then any commune will do.
        var byArea = devices.GroupBy(d => d.Record.Area, StringComparer.Ordinal).ToList();
        var outageAreas = byArea.Where(g => g.Count() >= AreaOutageMinDevices).Select(g => g.Key).ToList() is { Count: > 0 } crowded ? crowded : [.. byArea.Select(g => g.Key)];
        foreach (var scenario in Enum.GetValues<ScenarioKind>())
        {
            var duration = scenario == ScenarioKind.Spike ? interval - TimeSpan.FromMilliseconds(1) : Duration(scenario);
            for (var n = 0; n < episodesPerKind; n++)
            {
                for (var attempt = 0; attempt < 200; attempt++)
                {
                    var at = start + TimeSpan.FromMinutes(random.Next(0, (int)Math.Max(1, (window - duration).TotalMinutes)));
                    var end = at + duration;
                    if (scenario == ScenarioKind.AreaOutage)
                    {
                        var area = outageAreas[random.Next(outageAreas.Count)];
                        var members = devices.Where(d => d.Record.Area == area).ToList();
                        if (members.All(d => Free(busy, d.Record.Id, at, end)))
                        {
                            members.ForEach(d => Reserve(busy, d.Record.Id, at, end));
                            episodes.Add(new ScenarioEpisode(scenario, ScenarioEpisode.ExpectedKind(scenario), null, area, null, at, end));
                            break;
                        }

                        continue;
                    }

                    var candidates = devices.Where(d => Fits(scenario, d.Record.Domain)).ToList();
                    if (candidates.Count == 0)
                    {
                        break;
                    }

                    var device = candidates[random.Next(candidates.Count)];
                    if (!Free(busy, device.Record.Id, at, end))
                    {
                        continue;
                    }

                    Reserve(busy, device.Record.Id, at, end);
                    episodes.Add(new ScenarioEpisode(scenario, ScenarioEpisode.ExpectedKind(scenario), device.Record.Id, device.Record.Area, Metric(scenario, device.Record.Domain), at, end));
                    break;
                }
            }
        }

        return new ScenarioPlan(episodes.OrderBy(e => e.Start).ToList());
    }

    /// <summary>Changes a reading as the scenarios active for it say; false when the device says nothing (dropout, outage).</summary>
    public bool Apply(SimulatedDevice device, long timestampMs, List<MetricValue> metrics)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(metrics);
        if (_byArea.TryGetValue(device.Record.Area, out var outages) && outages.Any(e => e.Covers(device.Record.Id, device.Record.Area, timestampMs)))
        {
            return false;
        }

        if (!_byDevice.TryGetValue(device.Record.Id, out var episodes))
        {
            return true;
        }

        foreach (var e in episodes)
        {
            var start = e.Start.ToUnixTimeMilliseconds();
            if (timestampMs < start || timestampMs > e.End.ToUnixTimeMilliseconds())
            {
                continue;
            }

            switch (e.Scenario)
            {
                case ScenarioKind.Dropout:
                    return false;
                case ScenarioKind.Spike:
                    // Clear of what the metric does on its own (latency jitter reaches ~4× its base).
                    Set(metrics, e.Metric!, v => e.Metric == "avg_speed_kmh" ? Math.Max(3, v * 0.1) : (v * 8) + 60);
                    break;
                case ScenarioKind.LevelShift:
                    Set(metrics, e.Metric!, v => e.Metric == "temperature_c" ? v + 9 : v * 0.55);
                    break;
                case ScenarioKind.Stuck:
                    Set(metrics, e.Metric!, v => _stuckValues.TryGetValue((e, e.Metric!), out var frozen) ? frozen : _stuckValues[(e, e.Metric!)] = v);
                    break;
                case ScenarioKind.Congestion:
                    Set(metrics, "avg_speed_kmh", _ => 7.5 + (timestampMs / 60_000 % 5));
                    Set(metrics, "occupancy_pct", _ => 78 + (timestampMs / 60_000 % 7));
                    break;
                case ScenarioKind.Pollution:
                    Set(metrics, "pm25_ugm3", v => v + 110);
                    Set(metrics, "pm10_ugm3", v => v + 170);
                    break;
            }
        }

        return true;
    }

    private static void Set(List<MetricValue> metrics, string name, Func<double, double> change)
    {
        for (var i = 0; i < metrics.Count; i++)
        {
            if (metrics[i].Name == name)
            {
                var value = Math.Round(change(metrics[i].Value), 1);
                metrics[i] = metrics[i] with { Value = metrics[i].IsInteger ? Math.Round(value) : value };
            }
        }
    }

    private static TimeSpan Duration(ScenarioKind scenario) => scenario switch
    {
        ScenarioKind.LevelShift => TimeSpan.FromHours(3),
        ScenarioKind.Stuck => TimeSpan.FromHours(1),
        ScenarioKind.Dropout => TimeSpan.FromMinutes(30),
        ScenarioKind.Congestion => TimeSpan.FromMinutes(45),
        ScenarioKind.Pollution => TimeSpan.FromHours(4),
        _ => TimeSpan.FromMinutes(30),
    };

    private static bool Fits(ScenarioKind scenario, TelemetryDomain domain) => scenario switch
    {
        ScenarioKind.Congestion => domain == TelemetryDomain.Traffic,
        ScenarioKind.Pollution or ScenarioKind.Stuck => domain == TelemetryDomain.Environment,
        ScenarioKind.LevelShift => domain is TelemetryDomain.Traffic or TelemetryDomain.Environment,
        _ => true,
    };

    private static string? Metric(ScenarioKind scenario, TelemetryDomain domain) => scenario switch
    {
        ScenarioKind.Spike => domain switch
        {
            TelemetryDomain.Traffic => "avg_speed_kmh",
            TelemetryDomain.Environment => "pm25_ugm3",
            _ => "latency_ms",
        },
        ScenarioKind.LevelShift => domain == TelemetryDomain.Traffic ? "avg_speed_kmh" : "temperature_c",
        ScenarioKind.Stuck => "humidity_pct",
        _ => null,
    };

    private static bool Free(Dictionary<string, List<(DateTimeOffset From, DateTimeOffset To)>> busy, string device, DateTimeOffset from, DateTimeOffset to) =>
        !busy.TryGetValue(device, out var taken) || taken.All(t => to + Spacing < t.From || from - Spacing > t.To);

    private static void Reserve(Dictionary<string, List<(DateTimeOffset From, DateTimeOffset To)>> busy, string device, DateTimeOffset from, DateTimeOffset to)
    {
        if (!busy.TryGetValue(device, out var taken))
        {
            busy[device] = taken = [];
        }

        taken.Add((from, to));
    }
}
