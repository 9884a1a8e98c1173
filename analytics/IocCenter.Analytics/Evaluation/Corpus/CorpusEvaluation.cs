using IocCenter.Analytics.Backtest;

namespace IocCenter.Analytics.Evaluation.Corpus;

/// <summary>One dataset's (or the whole corpus') counts at one threshold.</summary>
public sealed record DatasetScore(string Dataset, int Series, EventCounts Counts);

/// <summary>Every dataset and the total at one threshold.</summary>
public sealed record ThresholdScore(double Threshold, IReadOnlyList<DatasetScore> Datasets, DatasetScore Overall);

/// <summary>One rotation: the threshold chosen on every dataset but <paramref name="HeldOut"/>, its counts there and on the held-out one.</summary>
public sealed record Rotation(string HeldOut, double Threshold, EventCounts ChosenOn, EventCounts HeldOutCounts);

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
            var results = new (LabelledSeries, double[])?[series.Count];
            var unreadable = new string?[series.Count];
            Parallel.For(0, series.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                try
                {
                    var one = LabelledSeries.Load(dataset, Path.Combine(folder, series[i].Key), series[i].Value);
                    results[i] = (one, scorer(one));
                }
                catch (Exception e) when (e is InvalidDataException or FormatException or IOException or ArgumentException or System.Text.Json.JsonException)
                {
                    // One unreadable file (or label) is skipped with its reason; the rest of the corpus is still scored.
                    unreadable[i] = $"{dataset}/{series[i].Key}: {e.Message} / không đọc được";
                }
            });
            scored.AddRange(results.Where(r => r is not null).Select(r => r!.Value));
            skipped.AddRange(unreadable.Where(u => u is not null)!);
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

    /// <summary>
    /// 0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, then 1 − 10⁻⁴ … 1 − 10⁻¹⁰: scores are calibrated (1 − p), so the
    /// useful thresholds are a tail probability apart by factors of ten.
    /// </summary>
    public static IReadOnlyList<double> DefaultSweep { get; } = [0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, .. Enumerable.Range(4, 7).Select(k => 1 - Math.Pow(10, -k))];

    /// <summary>
    /// Generalization, one dataset at a time: the sweep threshold with the best F1 on the other datasets together, and
    /// what it gives on the one held out. <paramref name="atLeast"/> restricts the choice to thresholds at or above it
    /// (the ones the simulator's clean day allows), 0 lets it choose any.
    /// </summary>
    public static IReadOnlyList<Rotation> Rotations(CorpusReport report, double atLeast = 0)
    {
        ArgumentNullException.ThrowIfNull(report);
        var candidates = report.Sweep.Append(report.AtThreshold).Where(t => t.Threshold >= atLeast).DistinctBy(t => t.Threshold).ToList();
        if (candidates.Count == 0 || report.AtThreshold.Datasets.Count < 2)
        {
            return [];
        }

        var rotations = new List<Rotation>();
        foreach (var held in report.AtThreshold.Datasets.Select(d => d.Dataset))
        {
            EventCounts Others(ThresholdScore t) => t.Datasets.Where(d => d.Dataset != held).Aggregate(EventCounts.Empty, (a, d) => a.Add(d.Counts));
            var best = candidates.OrderByDescending(t => Others(t).F1).ThenByDescending(t => t.Threshold).First();
            rotations.Add(new Rotation(held, best.Threshold, Others(best), best.Datasets.First(d => d.Dataset == held).Counts));
        }

        return rotations;
    }

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
