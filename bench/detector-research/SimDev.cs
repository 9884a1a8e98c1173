using System.Buffers;
using IocCenter.Simulators.Fleet;
using IocCenter.Simulators.Scenarios;
using IocCenter.Telemetry;

/// <summary>
/// One simulated device's metric on clean days (no episodes), through a SeriesDetector: every reading whose score
/// reaches MIN (default 0.999) is printed with its value, the detector's baseline and deviation (simdev SEED DEVICE METRIC [HOURS]).
/// </summary>
static class SimDev
{
    static readonly System.Reflection.FieldInfo Tail = typeof(IocCenter.Analytics.Detectors.SeriesDetector).GetField("_tail", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
    static readonly System.Reflection.FieldInfo Noise = typeof(IocCenter.Analytics.Detectors.SeriesDetector).GetField("_noise", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
    static string PointTail(object d)
    {
        const System.Reflection.BindingFlags F = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance;
        var c = d.GetType().GetField("_calibrated", F)!.GetValue(d)!;
        var t = c.GetType().GetField("_pointTail", F)!.GetValue(c)!;
        var sd = c.GetType().GetField("_variance", F)!.GetValue(c)!;
        var held = c.GetType().GetField("_heldP", F)!.GetValue(c)!;
        return $"heldP={held} var={sd} u={t.GetType().GetField("_u", F)!.GetValue(t)} peaks={t.GetType().GetField("_peaks", F)!.GetValue(t)} me={t.GetType().GetField("_meanExcess", F)!.GetValue(t)}";
    }

    public static void Run(int seed, string id, string metric, int hours)
    {
        var fleet = FleetPlan.Create(new FleetOptions { Traffic = 120, Environment = 60, Connectivity = 120, Seed = seed }, IocCenter.Geography.ProvincePack.Open());
        var device = fleet.First(d => d.Record.Id == id);
        var start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        var parser = new TelemetryPayloadParser(new ContractLimits { MaxAge = TimeSpan.FromDays(3650) });
        var batch = new TelemetryBatch();
        var d = new IocCenter.Analytics.Detectors.SeriesDetector();
        var min = double.Parse(Environment.GetEnvironmentVariable("MIN") ?? "0.999", System.Globalization.CultureInfo.InvariantCulture);
        var all = Environment.GetEnvironmentVariable("ALL") == "1";
        var n = 0;
        // every device of the fleet is stepped, as in the evaluation, so the device's random stream is the same
        for (var t = start; t < start + (hours * 3_600_000L); t += 60_000, n++)
        {
            foreach (var other in fleet)
            {
                if (!ReferenceEquals(other, device)) { other.NextPayload(t, ScenarioPlan.None); continue; }
                if (device.NextPayload(t, ScenarioPlan.None) is not { } payload) continue;
                parser.Parse(new ReadOnlySequence<byte>(payload), t, batch, out _);
                foreach (var m in batch.Metrics(0))
                {
                    if (m.Name != metric) continue;
                    var r = d.Observe(batch.TimestampMs(0), m.Value);
                    if (all || r.Score >= min || r.Deviation >= 20)
                        Console.WriteLine($"{n} {DateTimeOffset.FromUnixTimeMilliseconds(t).ToOffset(TimeSpan.FromHours(7)):MM-dd HH:mm} v={m.Value} score={r.Score:R} {r.Detector} base={r.Baseline:0.00} dev={r.Deviation:0.00} tail={Tail.GetValue(d)} noise={Noise.GetValue(d)} {PointTail(d)}");
                }
            }
        }
    }
}
