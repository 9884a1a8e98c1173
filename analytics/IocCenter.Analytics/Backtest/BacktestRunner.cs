using System.Globalization;
using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using IocCenter.Telemetry;

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
    private const double OpenAt = 0.8;

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
        var state = new ReplayState(names, timeColumn, deviceColumn);
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
                : string.Create(CultureInfo.InvariantCulture, $",{scores[i].Score:0.000},{scores[i].Detector}\n"));
        }

        return new BacktestSummary(rows.Count, rows.Count(r => r.Time is null), state.ScoredColumns, state.Incidents);
    }

    /// <summary>One replay: the detector set, with the conditions it raises turned into would-be incidents.</summary>
    private sealed class ReplayState(string[] names, int timeColumn, int deviceColumn)
    {
        private readonly DetectorSet _detectors = new(new RuleOptions(), OpenAt);
        private readonly List<ConditionChange> _changes = [];
        private readonly List<MetricValue> _metrics = [];
        private readonly Dictionary<(string Subject, IncidentKind Kind), int> _open = [];
        private readonly List<BacktestIncident> _incidents = [];
        private readonly SortedSet<string> _scoredColumns = [];

        public IReadOnlyList<string> ScoredColumns => [.. _scoredColumns];

        public IReadOnlyList<BacktestIncident> Incidents => _incidents;

        public (double Score, string? Detector) Observe(List<string> fields, long time)
        {
            var device = deviceColumn >= 0 && deviceColumn < fields.Count && fields[deviceColumn].Length > 0 ? fields[deviceColumn] : "series";
            _metrics.Clear();
            TelemetryDomain? domain = null;
            for (var column = 0; column < fields.Count && column < names.Length; column++)
            {
                if (column == timeColumn || column == deviceColumn ||
                    !double.TryParse(fields[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                {
                    continue;
                }

                _scoredColumns.Add(names[column]);
                var known = MetricCatalog.Find(names[column]);
                domain ??= known?.Domain;
                _metrics.Add(new MetricValue(names[column], value, known?.IsInteger ?? false));
            }

            // Without a contract metric the domain only picks which rules look; none of them finds its metrics.
            var sample = new DeviceSample(device, domain ?? TelemetryDomain.Traffic, null, time, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_metrics));
            _changes.Clear();
            if (domain is not null)
            {
                _detectors.CheckSilence(time, _changes);
            }

            var best = _detectors.Observe(sample, _changes);
            foreach (var change in _changes)
            {
                Apply(change);
            }

            return best;
        }

        private void Apply(ConditionChange change)
        {
            var key = (change.DeviceId ?? "area:" + change.Area, change.Kind);
            var at = DateTimeOffset.FromUnixTimeMilliseconds(change.AtMs);
            if (change.Present && _open.TryGetValue(key, out var index))
            {
                _incidents[index] = _incidents[index] with { Severity = change.Severity.Code() };
            }
            else if (change.Present)
            {
                _open[key] = _incidents.Count;
                _incidents.Add(new BacktestIncident(at, null, change.Kind.Code(), key.Item1, change.Severity.Code(), change.Evidence.Detail ?? change.Evidence.Detector));
            }
            else if (_open.Remove(key, out var ended))
            {
                _incidents[ended] = _incidents[ended] with { Cleared = at };
            }
        }
    }
}
