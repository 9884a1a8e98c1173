using System.Globalization;

namespace IocCenter.Analytics.Backtest;

/// <summary>An incident the detectors would have raised, and when it would have cleared.</summary>
public sealed record BacktestIncident(DateTimeOffset Opened, DateTimeOffset? Cleared, string Kind, string Subject, string Severity, string Detail);

public sealed record BacktestSummary(int Rows, int RowsWithoutTime, IReadOnlyList<string> ScoredColumns, IReadOnlyList<BacktestIncident> Incidents);

/// <summary>
/// Replays a CSV through the streaming detectors as if live: rows in time order (ties in file order), so a row's
/// score depends only on it and earlier rows. Every input row is written back in input order, as it was, with
/// <c>anomaly_score</c> (0–1, the strongest detector) and <c>detector</c> appended. Columns: a timestamp
/// (<c>timestamp</c>, <c>time</c>, or the first), optionally <c>device</c>/<c>device_id</c>, and numeric columns,
/// each a series; columns named like contract metrics also feed the rule engine.
/// </summary>
public static class BacktestRunner
{
    /// <summary>The live default (<c>Analytics:AnomalyThreshold</c>).</summary>
    public const double OpenAt = AnalyticsOptions.DefaultAnomalyThreshold;

    public static BacktestSummary Run(TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var reader = new CsvRecordReader(input);
        var header = reader.Read(out var headerRaw) ?? throw new InvalidDataException("The CSV file is empty: it needs a header row.");
        var names = header.Select(h => h.Trim()).ToArray();
        var timeColumn = Math.Max(0, Array.FindIndex(names, n => n.Equals("timestamp", StringComparison.OrdinalIgnoreCase) || n.Equals("time", StringComparison.OrdinalIgnoreCase)));
        var deviceColumn = Array.FindIndex(names, n => n.Equals("device", StringComparison.OrdinalIgnoreCase) || n.Equals("device_id", StringComparison.OrdinalIgnoreCase));

        var rows = new List<(string Raw, List<string> Fields, long? Time)>();
        while (reader.Read(out var raw) is { } fields)
        {
            rows.Add((raw, fields, timeColumn < fields.Count && CsvTimestamps.TryParse(fields[timeColumn], out var t) ? t : null));
        }

        var scores = new (double Score, string? Detector)[rows.Count];
        var state = new Replay(names, timeColumn, deviceColumn, OpenAt);
        foreach (var index in Enumerable.Range(0, rows.Count).Where(i => rows[i].Time is not null).OrderBy(i => rows[i].Time!.Value))
        {
            scores[index] = state.Observe(rows[index].Fields, rows[index].Time!.Value);
        }

        output.Write(headerRaw);
        output.Write(",anomaly_score,detector\n");
        for (var i = 0; i < rows.Count; i++)
        {
            output.Write(rows[i].Raw);
            output.Write(rows[i].Time is null
                ? ",,unparsed_time\n"
                : string.Create(CultureInfo.InvariantCulture, $",{scores[i].Score:0.000#######},{scores[i].Detector}\n"));
        }

        return new BacktestSummary(rows.Count, rows.Count(r => r.Time is null), state.ScoredColumns, state.Incidents);
    }
}
