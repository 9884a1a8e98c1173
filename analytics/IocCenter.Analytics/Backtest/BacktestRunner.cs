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
    private const double QuietBelow = 0.5;
    private const int QuietSamples = 10;

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

    /// <summary>Detector state of one replay: series detectors per (device, column), the rule engine, open incidents.</summary>
    private sealed class ReplayState(string[] names, int timeColumn, int deviceColumn)
    {
        private readonly Dictionary<(string Device, int Column), SeriesState> _series = [];
        private readonly RuleEngine _rules = new(new RuleOptions());
        private readonly List<ConditionChange> _changes = [];
        private readonly List<MetricValue> _metrics = [];
        private readonly Dictionary<(string Subject, IncidentKind Kind), (double Score, int Incident)> _activeRules = [];
        private readonly List<BacktestIncident> _incidents = [];
        private readonly SortedSet<string> _scoredColumns = [];

        public IReadOnlyList<string> ScoredColumns => [.. _scoredColumns];

        public IReadOnlyList<BacktestIncident> Incidents => _incidents;

        public (double Score, string? Detector) Observe(List<string> fields, long time)
        {
            var device = deviceColumn >= 0 && deviceColumn < fields.Count && fields[deviceColumn].Length > 0 ? fields[deviceColumn] : "series";
            (double Score, string? Detector) best = (0, null);
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
                if (!_series.TryGetValue((device, column), out var series))
                {
                    series = new SeriesState();
                    _series[(device, column)] = series;
                }

                var score = series.Detector.Observe(time, value);
                if (score.Score > best.Score)
                {
                    best = (score.Score, $"{score.Detector}:{names[column]}");
                }

                Track(series, score, device, names[column], value, time);
                if (MetricCatalog.Find(names[column]) is { } metric)
                {
                    domain ??= metric.Domain;
                    _metrics.Add(new MetricValue(metric.Name, value, metric.IsInteger));
                }
            }

            if (domain is { } d)
            {
                _changes.Clear();
                _rules.CheckSilence(time, _changes);
                _rules.Observe(new DeviceSample(device, d, null, time, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_metrics)), _changes);
                foreach (var change in _changes)
                {
                    Apply(change, device);
                }

                foreach (var ((subject, kind), (score, _)) in _activeRules)
                {
                    if (subject == device && score > best.Score)
                    {
                        best = (score, "rule:" + kind.Code());
                    }
                }
            }

            return best;
        }

        private void Track(SeriesState series, SeriesScore score, string device, string column, double value, long time)
        {
            if (series.Open is null && score.Score >= OpenAt)
            {
                series.Open = _incidents.Count;
                series.Quiet = 0;
                var detail = string.Create(CultureInfo.InvariantCulture, $"{score.Detector} on {column}: {value} (expected about {score.Baseline:0.###})");
                _incidents.Add(new BacktestIncident(DateTimeOffset.FromUnixTimeMilliseconds(time), null, IncidentKind.Anomaly.Code(), device, Severity.Warning.Code(), detail));
            }
            else if (series.Open is { } open)
            {
                series.Quiet = score.Score < QuietBelow ? series.Quiet + 1 : 0;
                if (series.Quiet >= QuietSamples)
                {
                    _incidents[open] = _incidents[open] with { Cleared = DateTimeOffset.FromUnixTimeMilliseconds(time) };
                    series.Open = null;
                }
            }
        }

        private void Apply(ConditionChange change, string device)
        {
            var key = (device, change.Kind);
            if (change.Present)
            {
                if (_activeRules.TryGetValue(key, out var active))
                {
                    _incidents[active.Incident] = _incidents[active.Incident] with { Severity = change.Severity.Code() };
                    _activeRules[key] = (Math.Max(change.Evidence.Score, 0.5), active.Incident);
                    return;
                }

                _activeRules[key] = (Math.Max(change.Evidence.Score, 0.5), _incidents.Count);
                _incidents.Add(new BacktestIncident(DateTimeOffset.FromUnixTimeMilliseconds(change.AtMs), null, change.Kind.Code(), device, change.Severity.Code(), change.Evidence.Detail ?? change.Evidence.Detector));
            }
            else if (_activeRules.Remove(key, out var ended))
            {
                _incidents[ended.Incident] = _incidents[ended.Incident] with { Cleared = DateTimeOffset.FromUnixTimeMilliseconds(change.AtMs) };
            }
        }
    }

    private sealed class SeriesState
    {
        public SeriesDetector Detector { get; } = new();

        public int? Open { get; set; }

        public int Quiet { get; set; }
    }
}
