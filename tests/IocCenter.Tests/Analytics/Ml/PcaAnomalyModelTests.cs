using IocCenter.Analytics.Ml;
using IocCenter.Simulators.Models;
using IocCenter.Telemetry;
using IocCenter.Tests.Ingest;

namespace IocCenter.Tests.Analytics.Ml;

public sealed class PcaAnomalyModelTests : IDisposable
{
    private const long FiveMinutes = 300_000;
    private static readonly long Start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Feature vectors of 20 simulated road counters, every 5 minutes over <paramref name="days"/> days from <paramref name="day"/>.</summary>
    private static List<float[]> Traffic(int day, int days, Func<long, List<MetricValue>, bool>? corrupt = null, List<bool>? labels = null)
    {
        var features = new DomainFeatures(TelemetryDomain.Traffic);
        var models = Enumerable.Range(0, 20).Select(i => new TrafficModel(500 + i)).ToArray();
        var rows = new List<float[]>();
        var metrics = new List<MetricValue>();
        for (var t = Start; t < Start + ((day + days) * 86_400_000L); t += FiveMinutes)
        {
            for (var d = 0; d < models.Length; d++)
            {
                metrics.Clear();
                models[d].Sample(t, metrics);
                var anomalous = t >= Start + (day * 86_400_000L) && corrupt is not null && corrupt(t, metrics);
                var row = features.Build("trf-" + d, t, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(metrics));
                if (t >= Start + (day * 86_400_000L))
                {
                    rows.Add(row);
                    labels?.Add(anomalous);
                }
            }
        }

        return rows;
    }

    /// <summary>Every 10th night-time reading (21:00–05:00, free flow) becomes a jam: speed 6 km/h, occupancy 90 %.</summary>
    private static bool Jam(long t, List<MetricValue> metrics)
    {
        var hour = DateTimeOffset.FromUnixTimeMilliseconds(t).ToOffset(TimeSpan.FromHours(7)).Hour;
        if ((t / FiveMinutes) % 10 != 0 || hour is > 5 and < 21)
        {
            return false;
        }

        metrics[1] = metrics[1] with { Value = 6 };
        metrics[2] = metrics[2] with { Value = 90 };
        return true;
    }

    [Fact]
    public void Train_CalibratesToTheTargetFalseAlarmRate_OnUnseenCleanDays()
    {
        var model = PcaAnomalyModel.Train(TelemetryDomain.Traffic, Traffic(0, 3), version: 1, falseAlarmRate: 0.001);

        var clean = Traffic(3, 2);
        var alarms = clean.Count(f => model.Score(f) >= 0.8);

        Assert.True(alarms <= clean.Count / 100, $"{alarms} of {clean.Count} clean readings scored ≥ 0.8");
    }

    [Fact]
    public void CalibrateIncidents_RaisesTheThreshold_SoThatNoDeviceDayOfTheWindowHasARunAboveIt()
    {
        // Rows come 20 devices at a time, every five minutes: split them back into per-device sequences.
        var rows = Traffic(0, 3);
        var sequences = Enumerable.Range(0, 20)
            .Select(d => (IReadOnlyList<(long, float[])>)rows.Where((_, i) => i % 20 == d).Select((f, i) => (Start + (i * FiveMinutes), f)).ToList())
            .ToList();
        var model = PcaAnomalyModel.Train(TelemetryDomain.Traffic, rows, version: 1, falseAlarmRate: 0.001);
        var perReading = model.Info.Threshold;

        model.CalibrateIncidents(sequences, persistence: 3, incidentsPerDeviceDay: 0.001);

        Assert.True(model.Info.Threshold >= perReading);
        Assert.Equal(perReading, model.Info.ReadingThreshold);
        Assert.Equal(60, model.Info.CalibratedOnDeviceDays);
        foreach (var sequence in sequences)
        {
            var raw = sequence.Select(r => model.RawScore(r.Item2)).ToArray();
            var runs = Enumerable.Range(2, raw.Length - 2).Select(i => Math.Min(raw[i], Math.Min(raw[i - 1], raw[i - 2])));
            Assert.All(runs, run => Assert.True(run < model.Info.Threshold));
        }
    }

    [Fact]
    public void Score_JamsAtFreeFlowHours_AreFarAboveTheThreshold()
    {
        var model = PcaAnomalyModel.Train(TelemetryDomain.Traffic, Traffic(0, 3), version: 1);
        var labels = new List<bool>();
        var rows = Traffic(3, 1, Jam, labels);

        var jams = rows.Where((_, i) => labels[i]).ToList();
        var found = jams.Count(f => model.Score(f) >= 0.8);

        var clean = rows.Where((_, i) => !labels[i]).Select(model.RawScore).Order().ToArray();
        Assert.True(found >= jams.Count * 0.9, $"{found} of {jams.Count} jams scored ≥ 0.8; threshold {model.Info.Threshold}; jam raw {string.Join(",", jams.Take(5).Select(model.RawScore))}; clean p50 {clean[clean.Length / 2]} p99.9 {clean[(int)(clean.Length * 0.999)]}");
    }

    [Fact]
    public void Evaluate_GivesMlNetMetricsOnLabelledReadings()
    {
        var model = PcaAnomalyModel.Train(TelemetryDomain.Traffic, Traffic(0, 3), version: 1);
        var labels = new List<bool>();
        var rows = Traffic(3, 1, Jam, labels);

        var metrics = model.Evaluate(rows.Select((f, i) => (f, labels[i])).ToList(), falsePositives: 10);

        Assert.True(metrics.AreaUnderRocCurve >= 0.95, $"AUC {metrics.AreaUnderRocCurve:0.000}");
        Assert.InRange(metrics.DetectionRateAtFalsePositiveCount, 0.5, 1.0);
    }

    [Fact]
    public void SaveAndLoad_ScoreTheSame_AndTheNewestVersionIsFound()
    {
        var training = Traffic(0, 2);
        var first = PcaAnomalyModel.Train(TelemetryDomain.Traffic, training, version: 1);
        var second = PcaAnomalyModel.Train(TelemetryDomain.Traffic, training, version: 2);
        first.Save(_dir.Path);
        var path = second.Save(_dir.Path);

        Assert.Equal(path, PcaAnomalyModel.Latest(_dir.Path, TelemetryDomain.Traffic));
        var loaded = PcaAnomalyModel.Load(path);
        Assert.Equal(second.Info, loaded.Info);
        Assert.Equal("traffic-v2", loaded.Version);
        foreach (var row in Traffic(2, 1).Take(200))
        {
            Assert.Equal(second.RawScore(row), loaded.RawScore(row), 4);
        }
    }

    [Fact]
    public void DirectScore_EqualsMlNetsPredictionEngine_OnCleanAndAnomalousReadings_AlsoAfterALoad()
    {
        var model = PcaAnomalyModel.Train(TelemetryDomain.Traffic, Traffic(0, 2), version: 1);
        var loaded = PcaAnomalyModel.Load(model.Save(_dir.Path));
        var rows = Traffic(2, 1, (t, metrics) =>
        {
            if (t % (7 * FiveMinutes) != 0)
            {
                return false;
            }

            metrics[1] = new("avg_speed_kmh", 4, false);
            return true;
        });

        foreach (var row in rows.Take(2_000))
        {
            var reference = model.EngineScore(row);
            Assert.Equal(reference, model.RawScore(row), 1e-4);
            Assert.Equal(loaded.EngineScore(row), loaded.RawScore(row), 1e-4);
        }
    }
}
