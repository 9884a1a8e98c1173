using IocCenter.Analytics.Backtest;

namespace IocCenter.Analytics.Evaluation.Corpus;

/// <summary>One dataset's (or the whole corpus') counts at one threshold.</summary>
public sealed record DatasetScore(string Dataset, int Series, EventCounts Counts);

/// <summary>Every dataset and the total at one threshold.</summary>
public sealed record ThresholdScore(double Threshold, IReadOnlyList<DatasetScore> Datasets, DatasetScore Overall);

public sealed record CorpusReport(double Threshold, ThresholdScore AtThreshold, IReadOnlyList<ThresholdScore> Sweep, int Series, long Readings, int UnreadableRows, int EmptyWindows, IReadOnlyList<string> Skipped);

/// <summary>
/// Scores a labelled corpus (the format of <c>../shared/anomaly-data</c>: dataset folders, each with
/// <c>timestamp,value</c> CSVs and a <c>labels.json</c>) through the live detectors, replayed as the backtest does,
/// and counts events at the default threshold and over a sweep (<see cref="EventScoring"/>). Each series is scored
/// once; thresholds only re-read the scores.
/// </summary>
public static class CorpusEvaluation
{
    /// <summary>The live detector set on one series: its combined score per reading (NaN where the value is missing).</summary>
    public static double[] LiveScores(LabelledSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var replay = new Replay(["timestamp", "value"], 0, -1, BacktestRunner.OpenAt);
        var scores = new double[series.Values.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var value = series.Values[i];
            scores[i] = double.IsNaN(value) ? double.NaN : replay.ObserveValue("value", value, series.TimesMs[i]).Score;
        }

        return scores;
    }

    /// <summary>The dataset folders under <paramref name="root"/> (or <paramref name="root"/> itself) that hold a labels.json.</summary>
    public static IReadOnlyList<string> Datasets(string root) =>
        File.Exists(Path.Combine(root, "labels.json"))
            ? [root]
            : [.. Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "labels.json"))).Order(StringComparer.Ordinal)];

    public static CorpusReport Run(string root, double threshold, IReadOnlyList<double> sweep, Func<LabelledSeries, double[]>? scorer = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        scorer ??= LiveScores;
        var skipped = new List<string>();
        var scored = new List<(LabelledSeries Series, double[] Scores)>();
        foreach (var folder in Datasets(root))
        {
            var dataset = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
            var labels = LabelledSeries.ReadLabels(Path.Combine(folder, "labels.json"));
            skipped.AddRange(Directory.GetFiles(folder, "*.csv").Select(Path.GetFileName).Where(f => !labels.ContainsKey(f!)).Select(f => $"{dataset}/{f}: not in labels.json / không có trong labels.json")!);
            var series = labels.Where(l => File.Exists(Path.Combine(folder, l.Key))).OrderBy(l => l.Key, StringComparer.Ordinal).ToList();
            skipped.AddRange(labels.Keys.Where(k => !File.Exists(Path.Combine(folder, k))).Select(k => $"{dataset}/{k}: file missing / thiếu tệp"));
            var results = new (LabelledSeries, double[])[series.Count];
            Parallel.For(0, series.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                var one = LabelledSeries.Load(dataset, Path.Combine(folder, series[i].Key), series[i].Value);
                results[i] = (one, scorer(one));
            });
            scored.AddRange(results);
            progress?.Invoke($"{dataset}: {series.Count} series");
        }

        var thresholds = sweep.Append(threshold).Distinct().Order().ToList();
        var all = thresholds.Select(t => At(t, scored)).ToList();
        return new CorpusReport(
            threshold,
            all.First(s => s.Threshold == threshold),
            all.Where(s => sweep.Contains(s.Threshold)).ToList(),
            scored.Count,
            scored.Sum(s => (long)s.Series.Values.Count),
            scored.Sum(s => s.Series.UnreadableRows),
            scored.Sum(s => s.Series.EmptyWindows),
            skipped);
    }

    /// <summary>0.05, 0.10, …, 0.95 and 0.99.</summary>
    public static IReadOnlyList<double> DefaultSweep { get; } = [.. Enumerable.Range(1, 19).Select(i => Math.Round(i * 0.05, 2)), 0.99];

    private static ThresholdScore At(double threshold, List<(LabelledSeries Series, double[] Scores)> scored)
    {
        var datasets = new List<DatasetScore>();
        var overall = EventCounts.Empty;
        foreach (var group in scored.GroupBy(s => s.Series.Dataset))
        {
            var counts = EventCounts.Empty;
            foreach (var (series, scores) in group)
            {
                counts = counts.Add(EventScoring.Score(scores, series.TimesMs.ToArray(), series.Windows, threshold));
            }

            datasets.Add(new DatasetScore(group.Key, group.Count(), counts));
            overall = overall.Add(counts);
        }

        return new ThresholdScore(threshold, datasets, new DatasetScore("overall", scored.Count, overall));
    }
}
