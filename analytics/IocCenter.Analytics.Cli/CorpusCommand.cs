using System.Globalization;
using System.Text.Json;
using IocCenter.Analytics.Evaluation.Corpus;

namespace IocCenter.Analytics.Cli;

/// <summary><c>evaluate --corpus DIR</c>: event-level scores of the live detectors on a labelled corpus.</summary>
internal static class CorpusCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static int Run(string root, IReadOnlyDictionary<string, string> options)
    {
        if (!Directory.Exists(root) || CorpusEvaluation.Datasets(root).Count == 0)
        {
            Console.Error.WriteLine($"Không thấy bộ dữ liệu có labels.json trong / No dataset folder with a labels.json in: {root}");
            return 2;
        }

        if (!double.TryParse(options.GetValueOrDefault("--threshold", AnalyticsOptions.DefaultAnomalyThreshold.ToString("R", CultureInfo.InvariantCulture)), NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold) || !(threshold is > 0 and <= 1))
        {
            Console.Error.WriteLine("--threshold phải trong (0, 1] / must be in (0, 1]");
            return 2;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        CorpusReport report;
        try
        {
            report = CorpusEvaluation.Run(root, threshold, CorpusEvaluation.DefaultSweep, progress: Console.Error.WriteLine);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException)
        {
            Console.Error.WriteLine($"Không đọc được bộ dữ liệu / Cannot read the corpus: {e.Message}");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Series} series, {report.Readings:N0} readings in {clock.Elapsed.TotalSeconds:0.0} s; rows without a readable time {report.UnreadableRows}, windows without readings {report.EmptyWindows}"));
        foreach (var skipped in report.Skipped)
        {
            Console.WriteLine("bỏ qua / skipped: " + skipped);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"threshold {Threshold(threshold)} — event level, grace {EventScoring.Grace} readings"));
        Console.WriteLine("dataset                      series windows found false  precision recall   F1   delay p50 (readings)  false/10k");
        foreach (var d in report.AtThreshold.Datasets.Append(report.AtThreshold.Overall))
        {
            Console.WriteLine(Row(d));
        }

        var best = report.Sweep.MaxBy(s => s.Overall.Counts.F1)!;
        Console.WriteLine();
        Console.WriteLine("sweep / quét ngưỡng          F1 overall  " + string.Join("  ", report.AtThreshold.Datasets.Select(d => Short(d.Dataset))) + "   precision recall false/10k");
        foreach (var t in report.Sweep)
        {
            var c = t.Overall.Counts;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Threshold(t.Threshold),-28} {c.F1,10:0.000}  {string.Join("  ", t.Datasets.Select(d => d.Counts.F1.ToString("0.000", CultureInfo.InvariantCulture).PadLeft(Short(d.Dataset).Length)))}   {c.Precision,9:0.000} {c.Recall,6:0.000} {c.FalseAlarmsPer10kReadings,9:0.00}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best single threshold / ngưỡng tốt nhất: {Threshold(best.Threshold)} F1 {best.Overall.Counts.F1:0.000}"));
        Console.WriteLine();
        Console.WriteLine(report.AtThreshold.Datasets.Count < 2
            ? "rotations / luân phiên: cần ít nhất hai bộ dữ liệu / need two datasets or more"
            : "rotations / luân phiên: threshold chosen on the other datasets, F1 on the one held out");
        foreach (var (title, floor) in new[] { ("any sweep threshold / mọi ngưỡng", 0.0), ($"thresholds ≥ {Threshold(threshold)} / ngưỡng ≥ ngưỡng đang dùng", threshold) })
        {
            Console.WriteLine("  " + title);
            foreach (var r in CorpusEvaluation.Rotations(report, floor))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    held out {r.HeldOut,-24} chosen {Threshold(r.Threshold),-16} F1 on the others {r.ChosenOn.F1:0.000}, held out {r.HeldOutCounts.F1:0.000}"));
            }
        }
        if (options.TryGetValue("--json", out var json))
        {
            File.WriteAllText(json, JsonSerializer.Serialize(ToJson(report), Json));
        }

        return 0;
    }

    private static string Row(DatasetScore d)
    {
        var c = d.Counts;
        var delay = c.MedianDelayReadings is { } m ? m.ToString("0.#", CultureInfo.InvariantCulture) : "—";
        return string.Create(CultureInfo.InvariantCulture,
            $"{d.Dataset,-28} {d.Series,6} {c.Windows,7} {c.Found,5} {c.FalseAlarms,5} {c.Precision,10:0.000} {c.Recall,6:0.000} {c.F1,5:0.000} {delay,21} {c.FalseAlarmsPer10kReadings,10:0.00}");
    }

    private static object ToJson(CorpusReport report) => new
    {
        report.Threshold,
        grace = EventScoring.Grace,
        report.Series,
        report.Readings,
        report.UnreadableRows,
        report.EmptyWindows,
        report.Skipped,
        atThreshold = Level(report.AtThreshold),
        sweep = report.Sweep.Select(Level),
        rotations = CorpusEvaluation.Rotations(report).Select(Rotation),
        rotationsAtOrAboveThreshold = CorpusEvaluation.Rotations(report, report.Threshold).Select(Rotation),
    };

    private static object Rotation(Rotation r) => new
    {
        heldOut = r.HeldOut,
        threshold = r.Threshold,
        f1ChosenOn = r.ChosenOn.F1,
        heldOutF1 = r.HeldOutCounts.F1,
        heldOutPrecision = r.HeldOutCounts.Precision,
        heldOutRecall = r.HeldOutCounts.Recall,
    };

    /// <summary>A threshold as a person reads it: 0.95, or 1 − 10⁻⁸ (0.99999999).</summary>
    private static string Threshold(double t)
    {
        var tail = 1 - t;
        var k = Math.Round(-Math.Log10(tail));
        return tail > 0 && tail < 1e-3 && Math.Abs(tail - Math.Pow(10, -k)) < 1e-3 * tail
            ? string.Create(CultureInfo.InvariantCulture, $"1-1e-{k} ({t:0.##########})")
            : t.ToString("0.####", CultureInfo.InvariantCulture);
    }

    private static string Short(string dataset) => dataset.Length <= 10 ? dataset : dataset[..10];

    private static object Level(ThresholdScore score) => new
    {
        score.Threshold,
        datasets = score.Datasets.Select(Counts),
        overall = Counts(score.Overall),
    };

    private static object Counts(DatasetScore d) => new
    {
        dataset = d.Dataset,
        series = d.Series,
        windows = d.Counts.Windows,
        found = d.Counts.Found,
        falseAlarms = d.Counts.FalseAlarms,
        readings = d.Counts.Readings,
        precision = d.Counts.Precision,
        recall = d.Counts.Recall,
        f1 = d.Counts.F1,
        medianDelayReadings = d.Counts.MedianDelayReadings,
        medianDelaySeconds = d.Counts.MedianDelaySeconds,
        falseAlarmsPer10kReadings = d.Counts.FalseAlarmsPer10kReadings,
    };
}
