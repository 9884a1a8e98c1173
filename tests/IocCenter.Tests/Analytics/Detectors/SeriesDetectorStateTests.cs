using System.Reflection;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using IocCenter.Telemetry;

namespace IocCenter.Tests.Analytics.Detectors;

/// <summary>What a detector learnt survives a save and a load (a restart of the analytics host) bit for bit.</summary>
public class SeriesDetectorStateTests
{
    private const long Minute = 60_000;
    private static readonly long Start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    [Fact]
    public void AnyReadings_SavedAnywhere_TheLoadedDetectorScoresExactlyAsOneThatNeverStopped()
    {
        var values = Gen.OneOf(
            Gen.Choose(int.MinValue, int.MaxValue).Two().Select(p => BitConverter.Int64BitsToDouble(((long)p.Item1 << 32) | (uint)p.Item2)),
            Gen.Choose(-1000, 1000).Select(i => i / 10.0),
            Gen.Constant(1.25));
        var steps = Gen.Choose(-120, 100_000);
        Prop.ForAll(Gen.Zip(values, steps).ArrayOf().ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (readings, at) =>
        {
            var kept = new SeriesDetector();
            var t = Start;
            var split = readings.Length == 0 ? 0 : at % readings.Length;
            for (var i = 0; i < split; i++)
            {
                t += readings[i].Item2 * 1000L;
                kept.Observe(t, readings[i].Item1);
            }

            var restarted = RoundTrip(kept);
            for (var i = split; i < readings.Length; i++)
            {
                t += readings[i].Item2 * 1000L;
                if (kept.Observe(t, readings[i].Item1) != restarted.Observe(t, readings[i].Item1))
                {
                    return false;
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>
    /// Every field, compared by its bytes (a struct's too), after a week of a seasonal series with noise, spikes and a
    /// shift: a field added to the detector and not to <c>Save</c> fails here.
    /// </summary>
    [Fact]
    public void EveryFieldOfTheDetector_SurvivesSaveAndLoad()
    {
        var random = new Random(7);
        var detector = new SeriesDetector();
        for (var i = 0; i < 7 * 24 * 60; i++)
        {
            var hour = i / 60 % 24;
            var value = 40 + (20 * Math.Sin(hour / 24.0 * 2 * Math.PI)) + (3 * random.NextDouble()) + (i % 977 == 0 ? 80 : 0) + (i > 6 * 24 * 60 ? 15 : 0);
            detector.Observe(Start + (i * Minute), value);
        }

        var loaded = RoundTrip(detector);
        var fields = typeof(SeriesDetector).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        Assert.True(fields.Length >= 20, $"{fields.Length} fields");
        foreach (var field in fields)
        {
            Assert.True(Bytes(field.GetValue(detector)).SequenceEqual(Bytes(field.GetValue(loaded))), $"{field.Name} differs after a load");
        }
    }

    [Fact]
    public void AnAnomalyOpenAtTheSave_IsClearedAfterTheLoad_WhenTheSeriesCalms()
    {
        var set = new DetectorSet(new RuleOptions { AnomalyLearning = TimeSpan.Zero }, IocCenter.Analytics.AnalyticsOptions.DefaultAnomalyThreshold);
        var changes = new List<ConditionChange>();
        var random = new Random(3);
        var t = Start;
        for (var i = 0; i < 400; i++, t += Minute)
        {
            Feed(set, t, 50 + random.NextDouble(), changes);
        }

        Feed(set, t, 900, changes);
        Assert.Contains(changes, c => c is { Kind: IncidentKind.Anomaly, Present: true });
        changes.Clear();

        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            Assert.Equal(1, set.Save(writer, t));
        }

        saved.Position = 0;
        var restarted = new DetectorSet(new RuleOptions { AnomalyLearning = TimeSpan.Zero }, IocCenter.Analytics.AnalyticsOptions.DefaultAnomalyThreshold);
        using (var reader = new BinaryReader(saved))
        {
            Assert.Equal(1, restarted.Restore(DetectorSet.Read(reader), 0));
        }

        for (var i = 0; i < 100; i++)
        {
            t += Minute;
            Feed(restarted, t, 50 + random.NextDouble(), changes);
        }

        Assert.Contains(changes, c => c is { Kind: IncidentKind.Anomaly, DeviceId: "wl-1", Present: false });
        Assert.DoesNotContain(changes, c => c.Present);
    }

    /// <summary>
    /// Read back, a device's series share one string for its id and every series of a metric the catalog's name (as live,
    /// where ids come from a pool): one string per series kept the analytics host 35 MB higher after a restart at 50,000
    /// devices. Names the catalog does not know are shared too.
    /// </summary>
    [Fact]
    public void Read_GivesEqualNamesOneString_DevicesAreasAndMetrics()
    {
        var set = new DetectorSet(new RuleOptions { AnomalyLearning = TimeSpan.Zero }, IocCenter.Analytics.AnalyticsOptions.DefaultAnomalyThreshold);
        var changes = new List<ConditionChange>();
        for (var d = 0; d < 3; d++)
        {
            // Each sample built from new strings, as a parser would make them.
            MetricValue[] metrics = [new(new string("pm25_ugm3".AsSpan()), 50, false), new(new string("made_up_metric".AsSpan()), 1, false)];
            set.Observe(new DeviceSample(new string($"wl-{d % 2}".AsSpan()), TelemetryDomain.Environment, new string("29905".AsSpan()), Start + (d * Minute), metrics), changes);
        }

        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            Assert.Equal(4, set.Save(writer, Start + (3 * Minute)));
        }

        saved.Position = 0;
        using var reader = new BinaryReader(saved);
        var read = DetectorSet.Read(reader);
        var keys = read.Series.Keys.ToList();
        Assert.Equal(4, keys.Count);
        Assert.All(keys.Where(k => k.Metric == "pm25_ugm3"), k => Assert.Same(MetricCatalog.Find("pm25_ugm3")!.Name, k.Metric));
        var madeUp = keys.Where(k => k.Metric == "made_up_metric").Select(k => k.Metric).ToList();
        Assert.Same(madeUp[0], madeUp[1]);
        foreach (var device in new[] { "wl-0", "wl-1" })
        {
            var ids = keys.Where(k => k.Device == device).Select(k => k.Device).Append(read.Devices.Single(x => x.Id == device).Id).ToList();
            Assert.Equal(3, ids.Count);
            Assert.All(ids, id => Assert.Same(ids[0], id));
        }

        Assert.Same(read.Devices[0].Area, read.Devices[1].Area);
    }

    /// <summary>
    /// A detector that throws (a state no reading could make: its count set below 0) would throw on every reading of its
    /// device; it starts afresh instead, so only that reading is lost (the loop skips and counts it).
    /// </summary>
    [Fact]
    public void ADetectorThatThrows_StartsAfresh_AndTheNextReadingIsJudged()
    {
        var set = new DetectorSet(new RuleOptions { AnomalyLearning = TimeSpan.Zero }, IocCenter.Analytics.AnalyticsOptions.DefaultAnomalyThreshold);
        var changes = new List<ConditionChange>();
        Feed(set, Start, 50, changes);
        var series = (Dictionary<(string Device, string Metric), DetectorSet.SeriesState>)typeof(DetectorSet).GetField("_series", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(set)!;
        var broken = series[("wl-1", "water_level_cm")].Detector!;
        typeof(SeriesDetector).GetField("_count", BindingFlags.Instance | BindingFlags.NonPublic)!.SetValue(broken, -1);
        Assert.ThrowsAny<Exception>(() => Feed(set, Start + Minute, 50, changes));
        Feed(set, Start + (2 * Minute), 50, changes);
        Assert.NotSame(broken, series[("wl-1", "water_level_cm")].Detector);
    }

    private static void Feed(DetectorSet set, long t, double value, List<ConditionChange> changes)
    {
        MetricValue[] metrics = [new("water_level_cm", value, false)];
        set.Observe(new DeviceSample("wl-1", TelemetryDomain.Environment, "29905", t, metrics), changes);
    }

    private static SeriesDetector RoundTrip(SeriesDetector detector)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            detector.Save(writer);
        }

        stream.Position = 0;
        using var reader = new BinaryReader(stream);
        var loaded = SeriesDetector.Load(reader);
        Assert.Equal(stream.Length, stream.Position);
        return loaded;
    }

    private static byte[] Bytes(object? value) => value is null
        ? []
        : (byte[])typeof(SeriesDetectorStateTests).GetMethod(nameof(RawBytes), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(value.GetType()).Invoke(null, [value])!;

    private static byte[] RawBytes<T>(object value)
        where T : unmanaged
    {
        var typed = (T)value;
        return MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in typed)).ToArray();
    }
}
