using System.Globalization;
using System.Text.Json;
using IocCenter.Analytics.Backtest;

namespace IocCenter.Analytics.Evaluation.Corpus;

/// <summary>
/// One labelled series of a corpus: readings in time order (a missing value is NaN) and its anomaly windows as reading
/// indices. The CSV is <c>timestamp,value</c> with a header (the value is the column named <c>value</c>, else the
/// second); a row whose time cannot be read is left out and counted.
/// </summary>
public sealed class LabelledSeries
{
    private LabelledSeries(string dataset, string name, long[] times, double[] values, IReadOnlyList<LabelWindow> windows, int unreadableRows, int emptyWindows)
    {
        Dataset = dataset;
        Name = name;
        TimesMs = times;
        Values = values;
        Windows = windows;
        UnreadableRows = unreadableRows;
        EmptyWindows = emptyWindows;
    }

    public string Dataset { get; }

    public string Name { get; }

    public IReadOnlyList<long> TimesMs { get; }

    public IReadOnlyList<double> Values { get; }

    public IReadOnlyList<LabelWindow> Windows { get; }

    public int UnreadableRows { get; }

    /// <summary>Labelled windows that hold no reading of the series (left out of the score).</summary>
    public int EmptyWindows { get; }

    public static LabelledSeries Load(string dataset, string path, IReadOnlyList<(string Start, string End)> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var input = new StreamReader(path);
        var reader = new CsvRecordReader(input);
        var header = reader.Read(out _) ?? throw new InvalidDataException($"{path}: the file is empty / tệp rỗng");
        var valueColumn = header.FindIndex(h => h.Trim().Equals("value", StringComparison.OrdinalIgnoreCase));
        valueColumn = valueColumn >= 0 ? valueColumn : 1;
        var timeColumn = valueColumn == 0 ? 1 : 0;
        var rows = new List<(long Time, double Value)>();
        var unreadable = 0;
        while (reader.Read(out _) is { } fields)
        {
            if (fields.Count <= timeColumn || !CsvTimestamps.TryParse(fields[timeColumn], out var time))
            {
                unreadable++;
                continue;
            }

            var value = fields.Count > valueColumn && double.TryParse(fields[valueColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : double.NaN;
            rows.Add((time, value));
        }

        // Time order, ties in file order (a stable sort), as the backtest replays.
        var ordered = rows.Select((r, i) => (r, i)).OrderBy(x => x.r.Time).ThenBy(x => x.i).Select(x => x.r).ToArray();
        var times = ordered.Select(r => r.Time).ToArray();
        var windows = new List<LabelWindow>(labels.Count);
        var empty = 0;
        foreach (var (startText, endText) in labels)
        {
            if (!CsvTimestamps.TryParse(startText, out var start) || !CsvTimestamps.TryParse(endText, out var end))
            {
                throw new InvalidDataException($"{path}: a label window's time cannot be read / không đọc được thời điểm của nhãn: [{startText}, {endText}]");
            }

            var first = LowerBound(times, start);
            var last = (end == long.MaxValue ? times.Length : LowerBound(times, end + 1)) - 1;
            if (first > last)
            {
                empty++;
                continue;
            }

            windows.Add(new LabelWindow(first, last));
        }

        return new LabelledSeries(dataset, Path.GetFileName(path), times, ordered.Select(r => r.Value).ToArray(), windows, unreadable, empty);
    }

    /// <summary>The corpus' <c>labels.json</c>: file name → list of <c>[start, end]</c> windows.</summary>
    public static Dictionary<string, List<(string Start, string End)>> ReadLabels(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var labels = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        foreach (var file in document.RootElement.EnumerateObject())
        {
            var windows = new List<(string, string)>();
            foreach (var window in file.Value.EnumerateArray())
            {
                if (window.ValueKind != JsonValueKind.Array || window.GetArrayLength() != 2)
                {
                    throw new InvalidDataException($"{path} ({file.Name}): a window is [start, end] / mỗi khoảng nhãn là [bắt đầu, kết thúc]");
                }

                windows.Add((Text(window[0]), Text(window[1])));
            }

            labels[file.Name] = windows;
        }

        return labels;
    }

    private static string Text(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number ? element.GetRawText() : element.GetString() ?? "";

    private static int LowerBound(long[] times, long value)
    {
        int low = 0, high = times.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (times[middle] < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
