using IocCenter.Analytics.Cli;
using IocCenter.Analytics.Evaluation;
using IocCenter.Simulators.Fleet;

namespace IocCenter.Tests.Analytics.Evaluation;

public class EvaluatorTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-17T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Evaluate_CountsMatchesMissesFalseAlarmsAndDelays()
    {
        TruthEpisode[] truth =
        [
            new("congestion", "trf-1", "a", T0, T0.AddMinutes(45)),
            new("congestion", "trf-2", "a", T0.AddHours(2), T0.AddHours(3)),
            new("area_outage", null, "b", T0, T0.AddMinutes(30)),
        ];
        RaisedIncident[] raised =
        [
            new("congestion", "trf-1", "a", T0.AddMinutes(3)),
            new("congestion", "trf-3", "a", T0.AddMinutes(3)), // no such episode: a false alarm
            new("congestion", "trf-2", "a", T0.AddHours(5)), // far too late: a false alarm, and trf-2 is missed
            new("area_outage", null, "b", T0.AddMinutes(2)),
            new("device_offline", "net-9", "b", T0.AddMinutes(2)), // inside the outage: explained, not judged
        ];

        var scores = Evaluator.Evaluate(truth, raised).ToDictionary(s => s.Kind);

        var congestion = scores["congestion"];
        Assert.Equal((2, 1, 3, 1), (congestion.Episodes, congestion.Detected, congestion.Incidents, congestion.Matched));
        Assert.Equal(1 / 3.0, congestion.Precision, 6);
        Assert.Equal(0.5, congestion.Recall, 6);
        Assert.Equal(0.4, congestion.F1, 6);
        Assert.Equal(180, congestion.MedianDelaySeconds);
        Assert.Equal(1.0, scores["area_outage"].F1);
        Assert.Equal((1, 1.0), (scores["device_offline"].Explained, scores["device_offline"].Precision));
    }

    [Fact]
    public void SimulatedDay_EveryRuleKindIsFound_AndACleanDayRaisesNothing_WithThePcaModelsOn()
    {
        var fleet = new FleetOptions { Traffic = 44, Environment = 22, Connectivity = 44, Seed = 42 };
        using var models = new IocCenter.Tests.Ingest.TestDirectory();

        var (truth, raised, _, ml) = SimulatedEvaluation.Run(fleet, TimeSpan.FromHours(12), TimeSpan.FromMinutes(1), episodesPerKind: 3, truthOut: null, models.Path);
        var scores = Evaluator.Evaluate(truth, raised).ToDictionary(s => s.Kind);

        foreach (var kind in new[] { "air_quality", "area_outage", "congestion", "device_offline", "sensor_fault" })
        {
            Assert.True(scores[kind].F1 >= 0.9, $"{kind}: F1 {scores[kind].F1:0.00}");
        }

        Assert.True(scores["anomaly"].Recall >= 0.8, $"anomaly recall {scores["anomaly"].Recall:0.00}");
        Assert.True(scores["device_offline"].MedianDelaySeconds <= 120, "dropouts within two intervals");
        Assert.True(scores["area_outage"].MedianDelaySeconds <= 120, "outages within two intervals");

        // ML.NET's own evaluation of the models trained on the warm-up day, on the labelled readings.
        Assert.Contains(ml, m => m.Domain == "traffic" && m.Anomalous > 0 && m.Auc > 0.5);

        var (_, clean, _, _) = SimulatedEvaluation.Run(fleet, TimeSpan.FromHours(12), TimeSpan.FromMinutes(1), episodesPerKind: 0, truthOut: null, models.Path);
        Assert.Empty(clean);
    }
}
