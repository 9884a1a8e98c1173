using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Ml;
using IocCenter.Simulators.Models;
using IocCenter.Telemetry;
using IocCenter.Tests.Ingest;

namespace IocCenter.Tests.Analytics.Ml;

public sealed class PcaSupervisorTests : IDisposable
{
    private const long FiveMinutes = 300_000;
    private static readonly long Start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void Feed(PcaSupervisor pca, TrafficModel[] roads, long from, long to, List<SeriesScore>? scores = null)
    {
        var metrics = new List<MetricValue>();
        for (var t = from; t < to; t += FiveMinutes)
        {
            for (var d = 0; d < roads.Length; d++)
            {
                metrics.Clear();
                roads[d].Sample(t, metrics);
                var score = pca.Observe(new DeviceSample("trf-" + d, TelemetryDomain.Traffic, "sa-dec", t, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(metrics)));
                scores?.Add(score);
            }
        }
    }

    [Fact]
    public async Task AfterADay_TrainsSavesAndScores_AndARestartLoadsTheModel()
    {
        var roads = Enumerable.Range(0, 20).Select(i => new TrafficModel(700 + i)).ToArray();
        var pca = new PcaSupervisor(_dir.Path, retrainEvery: TimeSpan.FromDays(7));

        Feed(pca, roads, Start, Start + (86_400_000L * 13 / 12));
        await pca.WhenIdle();

        Assert.Empty(pca.TrainingErrors);
        Assert.Equal(["traffic-v1"], pca.Versions);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "traffic-v1.zip")));

        // A jam at 03:00 on day 2 stands out; ordinary readings mostly do not.
        var jamAt = Start + 86_400_000L + (27 * 3_600_000L);
        var scores = new List<SeriesScore>();
        Feed(pca, roads, Start + (86_400_000L * 13 / 12), jamAt, scores);
        Assert.True(scores.Count(s => s.Score >= 0.8) <= scores.Count / 50, "ordinary readings rarely alarm");
        var jam = pca.Observe(new DeviceSample("trf-3", TelemetryDomain.Traffic, "sa-dec", jamAt, [new("vehicle_count", 2, true), new("avg_speed_kmh", 6, false), new("occupancy_pct", 92, false)]));
        Assert.True(jam.Score >= 0.8, $"jam scored {jam.Score:0.00}");
        Assert.Equal("pca", jam.Detector);

        var restarted = new PcaSupervisor(_dir.Path, TimeSpan.FromDays(7));
        restarted.LoadSaved();
        Assert.Equal(["traffic-v1"], restarted.Versions);
    }
}
