using System.Globalization;
using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using IocCenter.Telemetry;

namespace IocCenter.Analytics.Backtest;

/// <summary>
/// One replay through the live detector set (backtest and corpus evaluation share it), with the conditions it raises
/// turned into would-be incidents. A file is replayed as series whose anomalies count from their first judged reading:
/// live holds a new series' anomaly incidents for its first day (<see cref="RuleOptions.AnomalyLearning"/>), which
/// would leave a day's file with none; the scores are the same either way.
/// </summary>
internal sealed class Replay(string[] names, int timeColumn, int deviceColumn, double openAt)
{
    private readonly DetectorSet _detectors = new(new RuleOptions { AnomalyLearning = TimeSpan.Zero }, openAt);
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

        return Score(device, domain, time);
    }

    /// <summary>One reading of a one-column series (the corpus evaluation), as if it were a row of its CSV.</summary>
    public (double Score, string? Detector) ObserveValue(string metric, double value, long time)
    {
        _metrics.Clear();
        var known = MetricCatalog.Find(metric);
        _metrics.Add(new MetricValue(metric, value, known?.IsInteger ?? false));
        return Score("series", known?.Domain, time);
    }

    private (double Score, string? Detector) Score(string device, TelemetryDomain? domain, long time)
    {
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
