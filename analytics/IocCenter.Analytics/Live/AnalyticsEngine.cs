using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using IocCenter.Devices;
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
    AnalyticsWatchdog watchdog,
    ILogger<AnalyticsEngine> logger,
    Ml.PcaSupervisor? pca = null,
    DeviceDirectory? devices = null,
    Agencies.DeviceDomains? domains = null) : BackgroundService
{
    // Analytics:WatchUnregisteredDevices=false with a registry: incidents for registered devices only (a made-up id
    // raises nothing). Their readings are still stored, and the admin page lists them as unregistered.
    private readonly DeviceDirectory? _registry = !options.Value.WatchUnregisteredDevices && devices is { Lists: true } ? devices : null;

    private readonly DetectorSet _detectors = new(ruleOptions.Value, options.Value.AnomalyThreshold, pca);
    private readonly List<ConditionChange> _changes = [];
    private readonly PendingConditions _writes = new(change => WriteAsync(incidents, change), time, options.Value.IncidentWriteRetryMax);
    private readonly string? _statePath = options.Value.DetectorStateEvery > TimeSpan.Zero
        ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.Value.DatabasePath)) ?? ".", DetectorState.FileName)
        : null;

    private readonly HeapSettling? _settling = options.Value.CompactHeapWhenSettled ? new HeapSettling(time) : null;

    private long _lastReadingErrorLog = long.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // reading the saved state must not hold up the host's start
        LoadState();
        var interval = options.Value.SilenceCheckInterval;
        var lastSilenceCheck = time.GetTimestamp();
        var lastSave = time.GetTimestamp();
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
                    SettleHeap();
                }

                await ApplyAsync();
                if (_statePath is not null && time.GetElapsedTime(lastSave) >= options.Value.DetectorStateEvery)
                {
                    lastSave = time.GetTimestamp();
                    SaveState();
                }

                watchdog.Beat();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        // One last try for what is waiting; what still fails is logged. What the detectors learnt is saved for the next start.
        await ApplyAsync();
        SaveState();
        LogStopped(logger, _detectors.DeviceCount, _writes.Count);
    }

    /// <summary>
    /// Compacts the managed heap once the watched series stopped growing (<see cref="HeapSettling"/>): a blocking
    /// collection, which pauses the whole process (about 0.2 s at 50,000 devices), so it is on in the analytics host only.
    /// </summary>
    private void SettleHeap()
    {
        var info = GC.GetGCMemoryInfo();
        if (_settling?.ShouldCompact(_detectors.SeriesCount, info.FragmentedBytes, info.HeapSizeBytes) == true)
        {
            Compact(_settling, info.TotalCommittedBytes);
        }
    }

    private void Compact(HeapSettling settling, long before)
    {
        var started = time.GetTimestamp();
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var pause = time.GetElapsedTime(started);
        var compacted = GC.GetGCMemoryInfo();
        settling.Compacted(compacted.HeapSizeBytes);
        LogHeapSettled(logger, settling.WhyVi, settling.WhyEn, _detectors.SeriesCount, before >> 20, compacted.TotalCommittedBytes >> 20, pause.TotalMilliseconds);
    }

    private void LoadState()
    {
        if (_statePath is null)
        {
            return;
        }

        try
        {
            var started = time.GetTimestamp();
            if (DetectorState.Load(_detectors, _statePath, time.GetUtcNow()) is { } loaded)
            {
                var seconds = time.GetElapsedTime(started).TotalSeconds;
                LogStateLoaded(logger, loaded.Series, loaded.SavedAt, seconds);
                if (_settling is not null)
                {
                    _settling.StateLoaded();
                    Compact(_settling, GC.GetGCMemoryInfo().TotalCommittedBytes);
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never a reason not to start: learning afresh is what happened before the state was kept, and the next
            // save replaces the file.
            LogStateUnreadable(logger, _statePath, e.Message);
        }
    }

    private void SaveState()
    {
        if (_statePath is null)
        {
            return;
        }

        try
        {
            var started = time.GetTimestamp();
            var series = DetectorState.Save(_detectors, _statePath, time.GetUtcNow());
            var seconds = time.GetElapsedTime(started).TotalSeconds;
            LogStateSaved(logger, series, seconds);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A full or read-only disk must not stop detection; the last good state stays.
            LogStateNotSaved(logger, e, _statePath);
        }
    }

    private void Process(LiveReading reading)
    {
        if (_registry is not null && _registry.Find(reading.DeviceId) is null)
        {
            watchdog.Unregistered();
            return;
        }

        try
        {
            if (reading.Online is { } online)
            {
                _detectors.ObserveStatus(reading.DeviceId, reading.Area, online, reading.TimestampMs, _changes);
                return;
            }

            domains?.Learn(reading.DeviceId, reading.Domain);
            _detectors.Feed(new DeviceSample(reading.DeviceId, reading.Domain, reading.Area, reading.TimestampMs, reading.Metrics), _changes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One reading must never stop detection for every device: skip it, count it, say so (at most once a minute).
            // What the detectors changed before failing stays: they already believe it, so the store must hear it.
            watchdog.ReadingFailed();
            if (time.GetTimestamp() - _lastReadingErrorLog > 60 * time.TimestampFrequency || _lastReadingErrorLog == long.MinValue)
            {
                _lastReadingErrorLog = time.GetTimestamp();
                LogReadingFailed(logger, e, reading.DeviceId);
            }
        }
    }

    private async Task ApplyAsync()
    {
        _writes.Add(_changes);
        _changes.Clear();
        var failedNow = !await _writes.WriteAsync((change, e) => LogApplyFailed(logger, e, change.Kind.Code(), change.DeviceId ?? change.Area, _writes.Count));
        watchdog.IncidentWrites(_writes.Count, _writes.Error, failedNow);
    }

    private static async Task WriteAsync(IncidentService incidents, ConditionChange change)
    {
        if (change.Present)
        {
            // The reading's own time goes with the evidence (a device that sends late raised it with an older reading).
            await incidents.RaiseAsync(change.Kind, change.DeviceId, change.Area, change.Severity, change.Evidence with { ReadingAt = DateTimeOffset.FromUnixTimeMilliseconds(change.AtMs) });
        }
        else
        {
            await incidents.ClearAsync(change.Kind, change.DeviceId, change.Area, change.Evidence);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Không ghi được sự cố {Kind} của {Subject}, sẽ thử lại ({Pending} thay đổi chờ) / Could not record {Kind} for {Subject}; retrying ({Pending} changes waiting)")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string kind, string? subject, int pending);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bỏ qua một bản ghi của {Device}: bộ phát hiện gặp lỗi / Skipped a reading of {Device}: a detector failed on it")]
    private static partial void LogReadingFailed(ILogger logger, Exception exception, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Đã nạp những gì bộ phát hiện đã học của {Series} chuỗi số liệu (lưu lúc {SavedAt:u}, {Seconds:0.0} s) / Detector state restored for {Series} series (saved at {SavedAt:u}, {Seconds:0.0} s)")]
    private static partial void LogStateLoaded(ILogger logger, int series, DateTimeOffset savedAt, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Không đọc được {Path} ({Why}): các bộ phát hiện học lại từ đầu / Could not read {Path} ({Why}): the detectors learn afresh")]
    private static partial void LogStateUnreadable(ILogger logger, string path, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Đã dồn gọn bộ nhớ ({WhyVi}), {Series} chuỗi số liệu: {BeforeMb} → {AfterMb} MB, dừng {Milliseconds:0} ms / Heap compacted ({WhyEn}), {Series} series: {BeforeMb} → {AfterMb} MB committed, a {Milliseconds:0} ms pause")]
    private static partial void LogHeapSettled(ILogger logger, string whyVi, string whyEn, int series, long beforeMb, long afterMb, double milliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Detector state saved: {Series} series in {Seconds:0.00} s")]
    private static partial void LogStateSaved(ILogger logger, int series, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Không lưu được {Path}: lần khởi động sau sẽ dùng bản lưu trước / Could not save {Path}; the next start uses the previous save")]
    private static partial void LogStateNotSaved(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Analytics stopped after watching {Devices} devices; {Unwritten} incident changes could not be written")]
    private static partial void LogStopped(ILogger logger, int devices, int unwritten);
}
