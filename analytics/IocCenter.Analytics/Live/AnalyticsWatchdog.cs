using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IocCenter.Analytics.Live;

/// <summary>
/// Watches the analytics loop from outside it. The loop beats after every pass (it makes one at least every
/// <see cref="AnalyticsOptions.SilenceCheckInterval"/>, idle or not); when no beat has come for
/// <see cref="AnalyticsOptions.StallAfter"/>, the loop is stuck (a detector that never returns, a write that never
/// ends): <c>/health</c> turns Unhealthy and says so in Vietnamese and English, the stall is logged and counted
/// (<c>ioc.analytics.stalls</c>). Without it, a stuck loop left <c>/health</c> Healthy and the wall green while no
/// incident could be raised. It also reports incident writes that wait for a retry.
/// </summary>
public sealed partial class AnalyticsWatchdog : BackgroundService, IHealthCheck
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _stallAfter;
    private readonly ILogger<AnalyticsWatchdog> _logger;
    private readonly Counter<long> _stalls;
    private readonly Counter<long> _readingErrors;
    private readonly Counter<long> _writeFailures;
    private readonly Counter<long> _unregistered;
    private long _lastBeat;
    private int _stalled;
    private int _pendingWrites;
    private string? _writeError;

    public AnalyticsWatchdog(TimeProvider time, IOptions<AnalyticsOptions> options, IMeterFactory meters, ILogger<AnalyticsWatchdog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _time = time;
        // The loop passes at least every SilenceCheckInterval when idle: a stall is three of those missed at the least.
        _stallAfter = TimeSpan.FromTicks(Math.Max(options.Value.StallAfter.Ticks, 3 * options.Value.SilenceCheckInterval.Ticks));
        _logger = logger;
        _lastBeat = time.GetTimestamp();
        var meter = meters.Create("IocCenter.Analytics");
        _stalls = meter.CreateCounter<long>("ioc.analytics.stalls", "{stall}", "Times the analytics loop made no progress for Analytics:StallAfter.");
        _readingErrors = meter.CreateCounter<long>("ioc.analytics.readings.failed", "{reading}", "Readings a detector failed on (skipped, logged).");
        _writeFailures = meter.CreateCounter<long>("ioc.analytics.incident_writes.failed", "{write}", "Incident writes that failed and wait for a retry.");
        _unregistered = meter.CreateCounter<long>("ioc.analytics.readings.unregistered", "{reading}", "Readings and statuses of devices missing from the registry (stored, not watched).");
        meter.CreateObservableGauge("ioc.analytics.incident_writes.pending", () => Volatile.Read(ref _pendingWrites), "{change}", "Raises and clears waiting to be written to the incident store.");
    }

    /// <summary>How long since the loop last made progress.</summary>
    public TimeSpan SinceLastBeat => _time.GetElapsedTime(Interlocked.Read(ref _lastBeat));

    public bool Stalled => SinceLastBeat > _stallAfter;

    /// <summary>The loop finished a pass.</summary>
    public void Beat()
    {
        Interlocked.Exchange(ref _lastBeat, _time.GetTimestamp());
        if (Interlocked.Exchange(ref _stalled, 0) == 1)
        {
            LogRecovered(_logger);
        }
    }

    public void ReadingFailed() => _readingErrors.Add(1);

    /// <summary>A reading or status of a device the registry does not list was left unwatched.</summary>
    public void Unregistered() => _unregistered.Add(1);

    /// <summary>What waits to be written, and the last write error (null once writes succeed again).</summary>
    public void IncidentWrites(int pending, string? error, bool failedNow)
    {
        Volatile.Write(ref _pendingWrites, pending);
        Volatile.Write(ref _writeError, error);
        if (failedNow)
        {
            _writeFailures.Add(1);
        }
    }

    /// <summary>Checks now: counts and logs a stall once, when it begins.</summary>
    public void Check()
    {
        if (Stalled && Interlocked.Exchange(ref _stalled, 1) == 0)
        {
            _stalls.Add(1);
            LogStalled(_logger, SinceLastBeat.TotalSeconds);
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Check();
        var since = SinceLastBeat;
        var pending = Volatile.Read(ref _pendingWrites);
        var data = new Dictionary<string, object>
        {
            ["analytics_seconds_since_progress"] = Math.Round(since.TotalSeconds, 1),
            ["incident_writes_pending"] = pending,
        };
        var problems = new List<string>();
        if (since > _stallAfter)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"bộ phân tích đứng, không xử lý số liệu đã {since.TotalSeconds:0} s — không phát hiện được sự cố / the analytics loop has made no progress for {since.TotalSeconds:0} s: no incident can be raised"));
        }

        if (Volatile.Read(ref _writeError) is { } error)
        {
            problems.Add($"không ghi được sự cố vào CSDL, đang thử lại ({pending} thay đổi chờ ghi) / incident writes are failing and being retried ({pending} waiting): {error}");
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("analytics running", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, _stallAfter.Ticks / 4)), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Bộ phân tích đứng đã {Seconds:0} s: không phát hiện được sự cố cho đến khi nó chạy lại / The analytics loop has made no progress for {Seconds:0} s: no incident can be raised until it does")]
    private static partial void LogStalled(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bộ phân tích đã chạy lại / The analytics loop is making progress again")]
    private static partial void LogRecovered(ILogger logger);
}
