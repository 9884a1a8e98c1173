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

        if (!double.TryParse(options.GetValueOrDefault("--threshold", "0.8"), NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold) || !(threshold is > 0 and <= 1))
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

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"threshold {threshold:0.00} — event level, grace {EventScoring.Grace} readings"));
        Console.WriteLine("dataset                      series windows found false  precision recall   F1   delay p50 (readings)  false/10k");
        foreach (var d in report.AtThreshold.Datasets.Append(report.AtThreshold.Overall))
        {
            Console.WriteLine(Row(d));
        }

        var best = report.Sweep.MaxBy(s => s.Overall.Counts.F1)!;
        Console.WriteLine("sweep / quét ngưỡng (overall): " + string.Join("  ", report.Sweep.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Threshold:0.00}→{s.Overall.Counts.F1:0.00}"))));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best single threshold / ngưỡng tốt nhất: {best.Threshold:0.00} F1 {best.Overall.Counts.F1:0.000}"));
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
    };

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
