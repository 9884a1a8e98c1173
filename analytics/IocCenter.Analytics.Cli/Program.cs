using System.Diagnostics;
using System.Globalization;
using IocCenter.Analytics.Backtest;
using IocCenter.Analytics.Cli;

const string Help = """
    iocc-analytics — phân tích / analytics

      evaluate --simulate 24h [--devices 300] [--episodes 10] [--interval 60s] [--seed 42] [--ml true|false] [--province DIR]
               [--threshold T] [--truth-out F] [--json F] [--details true] [--count-warm-up true]
          Đánh giá bộ phát hiện trên đội thiết bị mô phỏng có gắn nhãn bất thường (sau một ngày khởi động).
          Runs the simulated fleet through the detectors with labelled anomalies injected (after a warm-up day)
          and prints precision, recall, F1 and detection delay per incident kind. --episodes 0: a clean run.
          --ml: the PCA models, trained on the warm-up day, with ML.NET's AUC (on by default, as live).
          --details: lists missed episodes and false alarms / liệt kê bỏ sót và báo nhầm.
          --count-warm-up true: counts the warm-up day too (what a fresh start costs: the detectors start empty) /
               tính cả ngày khởi động (cái giá của một lần khởi động lại).
          --threshold: the anomaly threshold (default: Analytics:AnomalyThreshold, 0.999999999 = 1 − 10⁻⁹) / ngưỡng bất thường.
      evaluate --truth TRUTH.jsonl --incidents data/analytics/incidents.db [--json F]
          So sánh sự cố đã mở với tệp nhãn / compares the incidents a live run raised with its ground truth.

      evaluate --corpus DIR [--threshold 0.999999999] [--json F]
          Chấm bộ phát hiện trên dữ liệu thật có gắn nhãn: mỗi thư mục con có các tệp CSV timestamp,value và labels.json.
          Scores the live detectors on a labelled corpus (dataset folders of timestamp,value CSVs with a labels.json of
          [start, end] windows, as ../shared/anomaly-data): event-level precision, recall, F1, median delay and false
          alarms per 10,000 readings, per dataset and overall, at the threshold and over a sweep; --json writes all.

      backtest --input FILE.csv --output OUT.csv
          Chạy lại một tệp CSV qua các bộ phát hiện như đang trực tuyến; ghi từng dòng kèm anomaly_score và detector,
          và in các sự cố lẽ ra đã được mở.
          Replays a CSV through the detectors as if live; writes every row with anomaly_score and detector appended,
          and prints the incidents they would have raised.
          CSV: a header; a timestamp column (timestamp, time, or the first column: ISO 8601, yyyy-MM-dd HH:mm:ss as UTC,
          epoch seconds or milliseconds); numeric columns; optionally a device column.
    """;

if (args.Length > 0 && args[0] == "evaluate")
{
    return EvaluateCommand.Run(args.Skip(1).ToArray());
}

if (args.Length == 0 || args[0] is "--help" or "-h" || args[0] != "backtest")
{
    Console.WriteLine(Help);
    return args.Length == 0 || args[0] is "--help" or "-h" ? 0 : 2;
}

string? input = null, output = null;
for (var i = 1; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--input": input = args[i + 1]; break;
        case "--output": output = args[i + 1]; break;
        default:
            Console.Error.WriteLine($"Tham số không hợp lệ / Unknown option: {args[i]}");
            return 2;
    }
}

if (input is null || output is null)
{
    Console.Error.WriteLine("Cần --input và --output / --input and --output are required.");
    return 2;
}

if (!File.Exists(input))
{
    Console.Error.WriteLine($"Không tìm thấy tệp / File not found: {input}");
    return 1;
}

var clock = Stopwatch.StartNew();
BacktestSummary summary;
try
{
    using var reader = new StreamReader(input);
    using var writer = new StreamWriter(output);
    summary = BacktestRunner.Run(reader, writer);
}
catch (InvalidDataException e)
{
    Console.Error.WriteLine($"Tệp CSV không đọc được / Cannot read the CSV: {e.Message}");
    return 1;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{summary.Rows:N0} dòng/rows in {clock.Elapsed.TotalSeconds:0.00} s; series: {string.Join(", ", summary.ScoredColumns)}; rows without a readable time: {summary.RowsWithoutTime}"));
Console.WriteLine($"Sự cố lẽ ra đã mở / Incidents that would have been raised: {summary.Incidents.Count}");
foreach (var incident in summary.Incidents)
{
    var cleared = incident.Cleared is { } c ? c.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "(still open)";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {incident.Opened:yyyy-MM-dd HH:mm:ss'Z'} → {cleared}  {incident.Kind,-22} {incident.Severity,-8} {incident.Subject}  {incident.Detail}"));
}

return 0;
