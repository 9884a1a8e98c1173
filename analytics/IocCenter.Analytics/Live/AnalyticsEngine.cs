using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IocCenter.Analytics.Live;

/// <summary>
/// The live detector loop: readings from <see cref="LiveReadings"/> through the <see cref="DetectorSet"/>,
/// silence checks on a timer, and every raise and clear handed to the <see cref="IncidentService"/>. One loop
/// owns all detector state, so none of it needs locks.
/// </summary>
internal sealed partial class AnalyticsEngine(
    LiveReadings queue,
    IncidentService incidents,
    IOptions<AnalyticsOptions> options,
    IOptions<RuleOptions> ruleOptions,
    TimeProvider time,
    ILogger<AnalyticsEngine> logger,
    Ml.PcaSupervisor? pca = null) : BackgroundService
{
    private readonly DetectorSet _detectors = new(ruleOptions.Value, options.Value.AnomalyThreshold, pca);
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
                    _detectors.CheckSilence(time.GetUtcNow().ToUnixTimeMilliseconds(), _changes);
                }

                await ApplyAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        LogStopped(logger, _detectors.DeviceCount);
    }

    private void Process(LiveReading reading)
    {
        if (reading.Online is { } online)
        {
            _detectors.ObserveStatus(reading.DeviceId, reading.Area, online, reading.TimestampMs, _changes);
            return;
        }

        _detectors.Observe(new DeviceSample(reading.DeviceId, reading.Domain, reading.Area, reading.TimestampMs, reading.Metrics), _changes);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record {Kind} for {Subject}")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string kind, string? subject);

    [LoggerMessage(Level = LogLevel.Information, Message = "Analytics stopped after watching {Devices} devices")]
    private static partial void LogStopped(ILogger logger, int devices);
}
