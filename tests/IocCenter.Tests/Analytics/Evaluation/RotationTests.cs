using IocCenter.Analytics.Evaluation.Corpus;

namespace IocCenter.Tests.Analytics.Evaluation;

/// <summary>Rotations on a hand-made report: the threshold is chosen on the other datasets only, and can be held to a floor.</summary>
public class RotationTests
{
    private static EventCounts Counts(int windows, int found, int falseAlarms) => new(windows, found, falseAlarms, 1000, [], []);

    private static ThresholdScore At(double t, params (string Dataset, EventCounts Counts)[] datasets) =>
        new(t, [.. datasets.Select(d => new DatasetScore(d.Dataset, 1, d.Counts))], new DatasetScore("overall", datasets.Length, datasets.Aggregate(EventCounts.Empty, (a, d) => a.Add(d.Counts))));

    [Fact]
    public void Rotations_ChooseOnTheOthers_ReportTheHeldOut_AndRespectTheFloor()
    {
        // At 0.9: a and b do well (F1 = 2·0.8·0.8/1.6 = 0.8 each), c badly (found 1 of 10, 9 false: F1 0.1).
        // At 0.99: a and b worse (found 5 of 10, no false: P 1, R 0.5, F1 0.667), c perfect (F1 1).
        var low = At(0.9, ("a", Counts(10, 8, 2)), ("b", Counts(10, 8, 2)), ("c", Counts(10, 1, 9)));
        var high = At(0.99, ("a", Counts(10, 5, 0)), ("b", Counts(10, 5, 0)), ("c", Counts(10, 10, 0)));
        var report = new CorpusReport(0.99, high, [low, high], 3, 3000, 0, 0, []);

        var any = CorpusEvaluation.Rotations(report).ToDictionary(r => r.HeldOut);
        // Held out c: chosen on a+b, where 0.9 (F1 0.8) beats 0.99 (0.667); c there is 0.1.
        Assert.Equal(0.9, any["c"].Threshold);
        Assert.Equal(0.8, any["c"].ChosenOn.F1, 3);
        Assert.Equal(0.1, any["c"].HeldOutCounts.F1, 3);
        // Held out a: b+c at 0.9 pool to found 9 of 20, 11 false: P 0.45, R 0.45, F1 0.45; at 0.99: 15 of 20, none
        // false: P 1, R 0.75, F1 0.857. So 0.99, and a there is 0.667.
        Assert.Equal(0.99, any["a"].Threshold);
        Assert.Equal(2 * 0.75 / 1.75, any["a"].ChosenOn.F1, 3);
        Assert.Equal(2 * 0.5 / 1.5, any["a"].HeldOutCounts.F1, 3);

        var floored = CorpusEvaluation.Rotations(report, atLeast: 0.99);
        Assert.All(floored, r => Assert.Equal(0.99, r.Threshold));
        Assert.Empty(CorpusEvaluation.Rotations(report, atLeast: 0.999));
    }
}
