using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Ml;
using IocCenter.Simulators.Models;
using IocCenter.Telemetry;
using IocCenter.Tests.Ingest;

namespace IocCenter.Tests.Analytics.Ml;

public sealed class PcaSupervisorTests : IDisposable
{
    private const long FiveMinutes = 300_000;
    private const long Day = 86_400_000;
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture);
    private readonly TestDirectory _dir = new();
    private readonly TrafficModel[] _roads = Enumerable.Range(0, 20).Select(i => new TrafficModel(700 + i)).ToArray();

    public void Dispose() => _dir.Dispose();

    /// <summary>Stores the roads' readings every five minutes in [from, to) as history.</summary>
    private InMemoryTelemetryHistory Store(long from, long to, InMemoryTelemetryHistory? history = null)
    {
        history ??= new InMemoryTelemetryHistory();
        var metrics = new List<MetricValue>();
        for (var t = from; t < to; t += FiveMinutes)
        {
            for (var d = 0; d < _roads.Length; d++)
            {
                metrics.Clear();
                _roads[d].Sample(t, metrics);
                history.Add(TelemetryDomain.Traffic, "trf-" + d, t, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(metrics));
            }
        }

        return history;
    }

    private static SeriesScore Observe(PcaSupervisor pca, string device, long t, ReadOnlySpan<MetricValue> metrics) =>
        pca.Observe(new DeviceSample(device, TelemetryDomain.Traffic, "29905", t, metrics));

    [Fact]
    public async Task TrainsFromStoredHistory_SavesAVersion_AndARestartLoadsIt()
    {
        var start = Start.ToUnixTimeMilliseconds();
        var history = Store(start, start + (2 * Day));
        var pca = new PcaSupervisor(_dir.Path);

        var trained = await pca.TrainAsync(history, Start.AddDays(2), CancellationToken.None);

        Assert.Equal(["traffic-v1"], trained);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "traffic-v1.zip")));
        var info = pca.ModelOf(TelemetryDomain.Traffic)!.Info;
        Assert.Equal(3, info.Persistence);
        Assert.True(info.Threshold >= info.ReadingThreshold);
        Assert.Contains("not enough history", pca.LastOutcome["environment"], StringComparison.Ordinal); // no environment devices stored

        var restarted = new PcaSupervisor(_dir.Path);
        restarted.LoadSaved();
        Assert.Equal(["traffic-v1"], restarted.Versions);
        Assert.Equal(info.Threshold, restarted.ModelOf(TelemetryDomain.Traffic)!.Info.Threshold);
    }

    [Fact]
    public async Task AJamLastingThreeReadings_ScoresHigh_ButOneOddReadingAndACleanDayDoNot()
    {
        var start = Start.ToUnixTimeMilliseconds();
        var pca = new PcaSupervisor(_dir.Path);
        await pca.TrainAsync(Store(start, start + (2 * Day)), Start.AddDays(2), CancellationToken.None);

        // Day 3, clean: no run of readings reaches the incident threshold.
        var metrics = new List<MetricValue>();
        var high = 0;
        for (var t = start + (2 * Day); t < start + (3 * Day); t += FiveMinutes)
        {
            for (var d = 0; d < _roads.Length; d++)
            {
                metrics.Clear();
                _roads[d].Sample(t, metrics);
                high += Observe(pca, "trf-" + d, t, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(metrics)).Score >= 0.8 ? 1 : 0;
            }
        }

        Assert.Equal(0, high);

        // 03:00 on day 4: a jam (6 km/h, 92 % occupancy) at an hour of free flow.
        MetricValue[] jam = [new("vehicle_count", 2, true), new("avg_speed_kmh", 6, false), new("occupancy_pct", 92, false)];
        var at = start + (3 * Day) + (3 * 3_600_000L);
        var first = Observe(pca, "trf-3", at, jam);
        Observe(pca, "trf-3", at + FiveMinutes, jam);
        var third = Observe(pca, "trf-3", at + (2 * FiveMinutes), jam);

        Assert.True(first.Score < 0.8, $"one odd reading scored {first.Score:0.00}");
        Assert.True(third.Score >= 0.8, $"three jammed readings scored {third.Score:0.00}");
        Assert.Equal("pca", third.Detector);
    }

    [Fact]
    public async Task WithLessThanADayOfHistory_NoModelIsTrained_AndTheReasonIsGiven()
    {
        var start = Start.ToUnixTimeMilliseconds();
        var pca = new PcaSupervisor(_dir.Path);

        var trained = await pca.TrainAsync(Store(start, start + (Day / 2)), Start.AddDays(0.5), CancellationToken.None);

        Assert.Empty(trained);
        Assert.Empty(pca.Versions);
        Assert.Contains("11.9 h", pca.LastOutcome["traffic"], StringComparison.Ordinal);
        Assert.Equal(0, Observe(pca, "trf-1", start + Day, [new("avg_speed_kmh", 6, false)]).Score);
    }

    [Fact]
    public async Task Retraining_OnlyWhenTheModelIsOlderThanTheInterval_MakesTheNextVersion()
    {
        var start = Start.ToUnixTimeMilliseconds();
        var history = Store(start, start + (2 * Day));
        var pca = new PcaSupervisor(_dir.Path);
        await pca.TrainAsync(history, Start.AddDays(2), CancellationToken.None);
        var trainedAt = pca.ModelOf(TelemetryDomain.Traffic)!.Info.TrainedAt;

        Assert.Empty(await pca.TrainAsync(history, trainedAt.AddHours(1), CancellationToken.None, olderThan: TimeSpan.FromDays(1)));
        Store(start + (2 * Day), start + (3 * Day), history);
        Assert.Equal(["traffic-v2"], await pca.TrainAsync(history, trainedAt.AddDays(1.5), CancellationToken.None, olderThan: TimeSpan.FromDays(1)));
        Assert.Equal(["traffic-v2"], pca.Versions);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "traffic-v1.zip")), "earlier versions are kept");
    }
}
