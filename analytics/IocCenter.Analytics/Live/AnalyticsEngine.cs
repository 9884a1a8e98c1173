using System.Globalization;
using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IocCenter.Analytics.Live;

/// <summary>
/// The live detector loop: readings from <see cref="LiveReadings"/> through the rule engine and one
/// <see cref="SeriesDetector"/> per (device, metric), silence checks on a timer, and every raise and clear handed
/// to the <see cref="IncidentService"/>. One loop owns all detector state, so none of it needs locks.
/// </summary>
internal sealed partial class AnalyticsEngine(
    LiveReadings queue,
    IncidentService incidents,
    IOptions<AnalyticsOptions> options,
    IOptions<RuleOptions> ruleOptions,
    TimeProvider time,
    ILogger<AnalyticsEngine> logger) : BackgroundService
{
    private const int QuietSamples = 10;

    private readonly RuleEngine _rules = new(ruleOptions.Value);
    private readonly Dictionary<(string Device, string Metric), SeriesState> _series = [];
    private readonly Dictionary<string, int> _anomalousMetrics = new(StringComparer.Ordinal);
    private readonly List<ConditionChange> _changes = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SilenceCheckInterval;
        var lastSilenceCheck = time.GetTimestamp();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    wait.CancelAfter(interval);
                    try
                    {
                        await queue.Reader.WaitToReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        // Quiet: fall through to the silence check.
                    }
                }

                for (var n = 0; n < 10_000 && queue.Reader.TryRead(out var reading); n++)
                {
                    Process(reading);
                }

                if (time.GetElapsedTime(lastSilenceCheck) >= interval)
                {
                    lastSilenceCheck = time.GetTimestamp();
                    _rules.CheckSilence(time.GetUtcNow().ToUnixTimeMilliseconds(), _changes);
                }

                await ApplyAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        LogStopped(logger, _rules.DeviceCount);
    }

    private void Process(LiveReading reading)
    {
        if (reading.Online is { } online)
        {
            _rules.ObserveStatus(reading.DeviceId, reading.Area, online, reading.TimestampMs, _changes);
            return;
        }

        var sample = new DeviceSample(reading.DeviceId, reading.Domain, reading.Area, reading.TimestampMs, reading.Metrics);
        _rules.Observe(sample, _changes);
        foreach (var metric in reading.Metrics)
        {
            if (!_series.TryGetValue((reading.DeviceId, metric.Name), out var series))
            {
                series = new SeriesState();
                _series[(reading.DeviceId, metric.Name)] = series;
            }

            Track(reading, metric.Name, metric.Value, series, series.Detector.Observe(reading.TimestampMs, metric.Value));
        }
    }

    /// <summary>One anomaly incident per device: raised by its first anomalous metric, cleared when none is left.</summary>
    private void Track(LiveReading reading, string metric, double value, SeriesState series, SeriesScore score)
    {
        if (!series.Open && score.Score >= options.Value.AnomalyThreshold)
        {
            series.Open = true;
            series.Quiet = 0;
            _anomalousMetrics[reading.DeviceId] = _anomalousMetrics.GetValueOrDefault(reading.DeviceId) + 1;
            var detail = string.Create(CultureInfo.InvariantCulture, $"{score.Detector} on {metric}: {value} (expected about {score.Baseline:0.###})");
            _changes.Add(new(IncidentKind.Anomaly, reading.DeviceId, reading.Area, true, Severity.Warning, new Evidence(score.Detector ?? "series", score.Score, metric, value, score.Baseline, Detail: detail), reading.TimestampMs));
        }
        else if (series.Open)
        {
            series.Quiet = score.Score < 0.5 ? series.Quiet + 1 : 0;
            if (series.Quiet >= QuietSamples)
            {
                series.Open = false;
                var left = _anomalousMetrics[reading.DeviceId] - 1;
                _anomalousMetrics[reading.DeviceId] = left;
                if (left == 0)
                {
                    _changes.Add(new(IncidentKind.Anomaly, reading.DeviceId, reading.Area, false, Severity.Warning, new Evidence("series", 0, metric, value, Detail: "back to normal"), reading.TimestampMs));
                }
            }
        }
    }

    private async Task ApplyAsync()
    {
        foreach (var change in _changes)
        {
            try
            {
                if (change.Present)
                {
                    await incidents.RaiseAsync(change.Kind, change.DeviceId, change.Area, change.Severity, change.Evidence);
                }
                else
                {
                    await incidents.ClearAsync(change.Kind, change.DeviceId, change.Area);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogApplyFailed(logger, e, change.Kind.Code(), change.DeviceId ?? change.Area);
            }
        }

        _changes.Clear();
    }

    private sealed class SeriesState
    {
        public SeriesDetector Detector { get; } = new();

        public bool Open { get; set; }

        public int Quiet { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record {Kind} for {Subject}")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string kind, string? subject);

    [LoggerMessage(Level = LogLevel.Information, Message = "Analytics stopped after watching {Devices} devices")]
    private static partial void LogStopped(ILogger logger, int devices);
}
