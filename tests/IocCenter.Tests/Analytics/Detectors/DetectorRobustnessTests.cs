using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using IocCenter.Simulators.Models;
using IocCenter.Telemetry;

namespace IocCenter.Tests.Analytics.Detectors;

/// <summary>
/// Every detector takes every finite double a device can send (a known metric within its range, any other metric
/// anything finite) without hanging, throwing or poisoning its state. A subnormal reading (1e-320) once made the
/// seasonal baseline's unit 0 and spun its widening loop forever: no incident was ever raised again.
/// </summary>
public class DetectorRobustnessTests
{
    private const long Minute = 60_000;
    private static readonly long Start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>The edges of double and float (and of half, which the seasonal bins use), both signs.</summary>
    private static readonly double[] Edges =
    [
        0, -0.0, double.Epsilon, -double.Epsilon, 1e-320, 4.9e-324, 1e-310, 2.2250738585072014E-308, 1e-300, 1e-50, 1.4e-45, 1e-45,
        1.17549435E-38, 1e-20, 6e-8, 1, 65504, 65520, 1e15, 3.4028234663852886E+38, 3.5e38, 1e100, 1e300, double.MaxValue,
        -1e-320, -1e-50, -1, -65520, -3.5e38, -1e300, -double.MaxValue,
    ];

    /// <summary>Any finite double: an edge, or any bit pattern (every exponent, subnormals included).</summary>
    private static readonly Gen<double> AnyFinite = Gen.OneOf(
        Gen.Elements(Edges),
        Gen.Choose(int.MinValue, int.MaxValue).Two().Select(p => BitConverter.Int64BitsToDouble(((long)p.Item1 << 32) | (uint)p.Item2)).Where(double.IsFinite),
        Gen.Choose(-1000, 1000).Select(i => i / 10.0));

    /// <summary>A hostile run: random values, a constant run of one value, or two values alternating.</summary>
    private static readonly Gen<double[]> HostileRun = Gen.OneOf(
        AnyFinite.ArrayOf(),
        AnyFinite.SelectMany(v => Gen.Choose(1, 400).Select(n => Enumerable.Repeat(v, n).ToArray())),
        AnyFinite.Two().SelectMany(p => Gen.Choose(2, 400).Select(n => Enumerable.Range(0, n).Select(i => i % 2 == 0 ? p.Item1 : p.Item2).ToArray())));

    /// <summary>A known metric's value as the contract accepts it: the hostile value clamped into its range (integers rounded).</summary>
    private static double Accepted(MetricDefinition? definition, double value)
    {
        if (definition is null)
        {
            return value;
        }

        var clamped = Math.Clamp(value, definition.Min, definition.Max);
        return definition.IsInteger ? Math.Round(clamped) : clamped;
    }

    private static readonly (string Device, TelemetryDomain Domain, string[] Metrics)[] Devices =
    [
        ("tr-1", TelemetryDomain.Traffic, ["vehicle_count", "avg_speed_kmh", "occupancy_pct", "queue_length_m"]),
        ("env-1", TelemetryDomain.Environment, ["pm25_ugm3", "pm10_ugm3", "no2_ugm3", "o3_ugm3", "co_ugm3", "so2_ugm3", "temperature_c", "humidity_pct", "noise_dba"]),
        ("net-1", TelemetryDomain.Connectivity, ["latency_ms", "packet_loss_pct", "throughput_mbps", "clients", "signal_dbm"]),
    ];

    [Fact]
    public void AnyHostileRun_ThroughTheWholeDetectorSet_IsBoundedPerSample_AndIncidentsAreStillRaisedAfterwards()
    {
        var property = Prop.ForAll(HostileRun.ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (run, seed) =>
        {
            Bounded(TimeSpan.FromSeconds(60), Describe(run), () => RunHostileThenOrdinary(run, seed));
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), property);
    }

    [Theory]
    [InlineData(1e-320)]
    [InlineData(-1e-320)]
    [InlineData(1e-50)]
    [InlineData(double.Epsilon)]
    [InlineData(-0.0)]
    [InlineData(1e300)]
    [InlineData(-double.MaxValue)]
    public void OneExtremeReading_ThenAWeek_LevelShiftIsStillFound(double extreme)
    {
        // The finding: one such reading and no incident was ever raised again (the detector's thread spun for good).
        Bounded(TimeSpan.FromSeconds(60), $"a week after {extreme}", () => LevelShiftAfter(extreme));
    }

    private static void LevelShiftAfter(double extreme)
    {
        var detector = new SeriesDetector();
        var model = new TrafficModel(5);
        var metrics = new List<MetricValue>();
        var shiftAt = (3 * 24 * 60) + (14 * 60);
        int? foundAfter = null;
        for (var i = 0; i < 4 * 24 * 60; i++)
        {
            var t = Start + (i * Minute);
            metrics.Clear();
            model.Sample(t, metrics);
            var value = metrics.Single(m => m.Name == "avg_speed_kmh").Value;
            var score = detector.Observe(t, i is 0 or 60 ? extreme : i >= shiftAt ? value * 0.6 : value);
            Assert.True(double.IsFinite(score.Score) && score.Score is >= 0 and <= 1, $"score {score.Score} at sample {i}");
            if (i >= shiftAt && score.Score >= 0.8 && foundAfter is null)
            {
                foundAfter = i - shiftAt;
            }
        }

        Assert.NotNull(foundAfter);
        Assert.InRange(foundAfter.Value, 0, 15);
    }

    [Theory]
    [InlineData(1e15, 2, 2 * 24 * 60)]
    [InlineData(1e6, 2, 2 * 24 * 60)]
    [InlineData(1e5, 2, 2 * 24 * 60)]
    [InlineData(1e5, 6, 2 * 24 * 60)]
    [InlineData(-1e15, 3, 2 * 24 * 60)]
    [InlineData(1e6, 10, 0)]      // a device that boots reporting a sentinel
    [InlineData(65535, 10, 0)]
    public void ExtremesInAWarmSeries_ThatSameSeriesStillFindsALevelShift(double extreme, int count, int at)
    {
        // Found by review: two bad readings in a row (or a sentinel at boot) taught the seasonal bins and the
        // level-shift scale to expect them, and that series never found a shift again.
        Bounded(TimeSpan.FromSeconds(60), $"{count} × {extreme}", () =>
        {
            var detector = new SeriesDetector();
            var model = new TrafficModel(5);
            var metrics = new List<MetricValue>();
            var shiftAt = (3 * 24 * 60) + (14 * 60);
            int? foundAfter = null;
            for (var i = 0; i < shiftAt + 120; i++)
            {
                var t = Start + (i * Minute);
                metrics.Clear();
                model.Sample(t, metrics);
                var value = metrics.Single(m => m.Name == "avg_speed_kmh").Value;
                var bad = i >= at + 600 && i < at + 600 + count || (at == 0 && i < count);
                var score = detector.Observe(t, bad ? (i % 2 == 0 ? extreme : extreme * 0.9) : i >= shiftAt ? value * 0.6 : value);
                if (i >= shiftAt && score.Score >= 0.8 && foundAfter is null)
                {
                    foundAfter = i - shiftAt;
                }
            }

            Assert.True(foundAfter is not null, $"no level shift found after {count} × {extreme}");
            Assert.InRange(foundAfter!.Value, 0, 30);
        });
    }

    [Fact]
    public void SeasonalBaseline_AnyFiniteValue_KeepsAFiniteNonZeroUnit()
    {
        var property = Prop.ForAll(AnyFinite.ArrayOf().ToArbitrary(), values =>
        {
            var baseline = new SeasonalBaseline();
            Bounded(TimeSpan.FromSeconds(30), Describe(values), () =>
            {
                foreach (var value in values)
                {
                    baseline.Observe(3, 4, 0.25, SeriesDetector.Representable(value), 1.0 / 60);
                    baseline.Observe(3, 4, 0.25, value, 1.0 / 60);
                }

                for (var bin = 0; bin < 48; bin++)
                {
                    Assert.False(double.IsNaN(baseline.Mean(bin)), $"bin {bin}'s mean is NaN");
                    Assert.False(double.IsNaN(baseline.Deviation(bin)), $"bin {bin}'s deviation is NaN");
                }
            });
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }

    /// <summary>
    /// Feeds a hostile run to every metric of a device in each domain (and an extra metric the catalog does not know),
    /// each sample timed; then an ordinary jam on the same traffic device and ordinary smog on the same station must
    /// still raise congestion and air quality, and a fresh device's level shift must still be found.
    /// </summary>
    private static void RunHostileThenOrdinary(double[] run, int seed)
    {
        var set = new DetectorSet(new RuleOptions { AnomalyLearning = TimeSpan.Zero }, anomalyThreshold: 0.8);
        var changes = new List<ConditionChange>();
        var t = Start;
        var slowest = TimeSpan.Zero;
        var random = new Random(seed);
        foreach (var value in run)
        {
            foreach (var (device, domain, names) in Devices)
            {
                var metrics = names.Select(n => new MetricValue(n, Accepted(MetricCatalog.Find(n), random.Next(4) == 0 ? value : -value), MetricCatalog.Find(n)?.IsInteger ?? false)).ToArray();
                var started = Stopwatch.GetTimestamp();
                var (score, _) = set.Observe(new DeviceSample(device, domain, "an-1", t, metrics), changes);
                var elapsed = Stopwatch.GetElapsedTime(started);
                slowest = elapsed > slowest ? elapsed : slowest;
                Assert.True(double.IsFinite(score) && score >= 0, $"{device}: score {score} after {value}");
            }

            t += 10_000;
        }

        // Generous: a sample takes microseconds; this catches a loop that runs away, not a slow machine.
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"one sample took {slowest.TotalMilliseconds:0} ms: {Describe(run)}");
        Assert.All(changes, c => Assert.True(double.IsFinite(c.Evidence.Score), $"{c.Kind} evidence score {c.Evidence.Score}"));

        // Ordinary trouble afterwards, on the same devices.
        changes.Clear();
        for (var i = 0; i < 60; i++, t += 10_000)
        {
            MetricValue[] jam = [new("vehicle_count", 4, true), new("avg_speed_kmh", 6, false), new("occupancy_pct", 85, false)];
            set.Observe(new DeviceSample("tr-1", TelemetryDomain.Traffic, "an-1", t, jam), changes);
        }

        Assert.Contains(changes, c => c is { Kind: IncidentKind.Congestion, DeviceId: "tr-1", Present: true });

        changes.Clear();
        for (var i = 0; i < 14 * 60; i++, t += Minute)
        {
            MetricValue[] smog = [new("pm25_ugm3", 250 + (i % 7), false), new("pm10_ugm3", 300 + (i % 5), false)];
            set.Observe(new DeviceSample("env-1", TelemetryDomain.Environment, "an-1", t, smog), changes);
        }

        Assert.Contains(changes, c => c is { Kind: IncidentKind.AirQuality, DeviceId: "env-1", Present: true });

        // A fresh device in the same set: its level shift is still found (the set's other state was not poisoned).
        changes.Clear();
        var model = new TrafficModel(5);
        var metricsOfModel = new List<MetricValue>();
        var shiftAt = (2 * 24 * 60) + (14 * 60);
        var from = t;
        for (var i = 0; i < (2 * 24 * 60) + (15 * 60); i++)
        {
            var at = from + (i * Minute);
            metricsOfModel.Clear();
            model.Sample(at, metricsOfModel);
            var speed = metricsOfModel.Single(m => m.Name == "avg_speed_kmh").Value;
            MetricValue[] reading = [new("avg_speed_kmh", i >= shiftAt ? speed * 0.6 : speed, false)];
            set.Observe(new DeviceSample("tr-fresh", TelemetryDomain.Traffic, "an-1", at, reading), changes);
        }

        Assert.Contains(changes, c => c is { Kind: IncidentKind.Anomaly, DeviceId: "tr-fresh", Present: true });
    }

    /// <summary>Runs on a thread of its own, so that a hang fails the test instead of stopping the whole run.</summary>
    private static void Bounded(TimeSpan limit, string what, Action action)
    {
        var run = Task.Run(action);
        Assert.True(run.Wait(limit), $"still running after {limit.TotalSeconds:0} s (a hang): {what}");
        run.GetAwaiter().GetResult();
    }

    private static string Describe(double[] values) =>
        $"{values.Length} values, e.g. " + string.Join(", ", values.Take(6).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
}
