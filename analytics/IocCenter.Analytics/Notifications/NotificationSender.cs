using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using IocCenter.Analytics.Incidents;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IocCenter.Analytics.Notifications;

/// <summary>Bound from <c>Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>Where officers open IocCenter: the links in every message start here.</summary>
    public string BaseUrl { get; set; } = "http://localhost:5080";

    public TimeSpan PollEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first retry waits this long, each next one twice as long, up to <see cref="RetryMax"/>.</summary>
    public TimeSpan RetryFirst { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A notification still failing this long after it was decided is given up on (and stays listed as such).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The message of a new or reopened incident waits this long before it is sent, and is not sent if the incident is
    /// back to normal, resolved or under maintenance by then: a blip of a few seconds tells nobody.
    /// </summary>
    public TimeSpan HoldNewFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages sent or given up on are kept this long (the admin page's history), then forgotten.</summary>
    public TimeSpan KeepSentFor { get; set; } = TimeSpan.FromDays(90);

    /// <summary>A channel whose last this many attempts all failed makes <c>/health</c> Degraded.</summary>
    public int DegradedAfterFailures { get; set; } = 3;
}

/// <summary>
/// Sends what the outbox holds, in the incident writer's process only (one sender per deployment, so each message
/// goes once): oldest first, each through its channel; a failure is retried with exponential backoff and given up
/// after <see cref="NotificationOptions.GiveUpAfter"/>. A channel that keeps failing turns <c>/health</c> Degraded and
/// says which and why; <c>/metrics</c> counts sent and failed per channel.
/// </summary>
public sealed partial class NotificationSender : BackgroundService, IHealthCheck
{
    private readonly IncidentService _incidents;
    private readonly Dictionary<string, INotificationChannel> _channels;
    private readonly NotificationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<NotificationSender> _logger;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _skipped;
    private DateTimeOffset _prunedAt = DateTimeOffset.MinValue;
    private readonly ConcurrentDictionary<string, (int Failures, string? Error)> _health = new(StringComparer.Ordinal);

    public NotificationSender(IncidentService incidents, IEnumerable<INotificationChannel> channels, IOptions<NotificationOptions> options, TimeProvider time, IMeterFactory meters, ILogger<NotificationSender> logger)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _incidents = incidents;
        _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _options = options.Value;
        _time = time;
        _logger = logger;
        var meter = meters.Create("IocCenter.Notifications");
        _sent = meter.CreateCounter<long>("ioc.notifications.sent", "{message}", "Notifications a channel accepted.");
        _failed = meter.CreateCounter<long>("ioc.notifications.failed", "{attempt}", "Attempts to send a notification that failed (each is retried).");
        _skipped = meter.CreateCounter<long>("ioc.notifications.skipped", "{message}", "Messages of new incidents not sent: the incident was back to normal, resolved or under maintenance when its hold ended.");
        meter.CreateObservableGauge("ioc.notifications.waiting", () => _incidents.ChannelStatuses().Select(s => new Measurement<int>(s.Waiting, new KeyValuePair<string, object?>("channel", s.Channel))),
            "{message}", "Notifications waiting to be sent, per channel.");
    }

    /// <summary>The channels configured here (<c>email</c>, <c>webhook</c>, <c>telegram</c>).</summary>
    public IReadOnlyCollection<string> Channels => _channels.Keys;

    /// <summary>
    /// Sends every due notification once; returns how many were accepted. Each channel goes on its own, one message at a
    /// time: a mail server that does not answer holds back only the e-mails, not the Telegram or webhook messages.
    /// </summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var due = _incidents.DueNotifications(200);
        var accepted = await Task.WhenAll(due.GroupBy(e => e.Notification.Channel, StringComparer.Ordinal).Select(g => SendAsync([.. g], cancellationToken)));
        return accepted.Sum();
    }

    private async Task<int> SendAsync(List<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        var accepted = 0;
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = entry.Notification;
            if (Moot(n) is { } moot)
            {
                _incidents.MarkSkipped(entry.Id, moot);
                _skipped.Add(1, new KeyValuePair<string, object?>("channel", n.Channel));
                continue;
            }

            try
            {
                if (!_channels.TryGetValue(n.Channel, out var channel))
                {
                    throw new InvalidOperationException($"Kênh \"{n.Channel}\" chưa được cấu hình (Notifications:…) / Channel \"{n.Channel}\" is not configured");
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                await channel.SendAsync(n, timeout.Token);
                _incidents.MarkSent(entry.Id);
                _sent.Add(1, new KeyValuePair<string, object?>("channel", n.Channel));
                _health[n.Channel] = (0, null);
                accepted++;
                LogSent(_logger, n.Channel, n.Recipient, n.IncidentId, n.Event);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var now = _time.GetUtcNow();
                var wait = TimeSpan.FromTicks(Math.Min(_options.RetryMax.Ticks, _options.RetryFirst.Ticks * (1L << Math.Min(entry.Attempts, 20))));
                var giveUp = now - entry.CreatedAt >= _options.GiveUpAfter;
                var reason = e.Message.Length > 0 ? e.Message : e.GetType().Name;
                _incidents.MarkFailed(entry.Id, reason, now + wait, giveUp);
                _failed.Add(1, new KeyValuePair<string, object?>("channel", n.Channel));
                _health.AddOrUpdate(n.Channel, (1, reason), (_, h) => (h.Failures + 1, reason));
                LogFailed(_logger, n.Channel, n.Recipient, n.IncidentId, entry.Attempts + 1, giveUp ? null : now + wait, reason);
            }
        }

        return accepted;
    }

    /// <summary>Why the message of a new or reopened incident need not go any more (its hold is over), or null.</summary>
    private string? Moot(Notification n)
    {
        if (n.Event is not ("opened" or "reopened") || _incidents.Find(n.IncidentId) is not { } incident)
        {
            return null;
        }

        return incident.State == IncidentState.Resolved ? "đã xử lý xong trước khi gửi, không cần báo / resolved before it was sent"
            : !incident.Active ? "đã bình thường lại trước khi gửi, không cần báo / back to normal before it was sent"
            : incident.MaintenanceId is not null ? "đã vào giờ bảo trì trước khi gửi / under maintenance before it was sent"
            : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_channels.Count > 0 && _options.BaseUrl == new NotificationOptions().BaseUrl)
        {
            LogNoBaseUrl(_logger, _options.BaseUrl);
        }

        var channels = _channels.Count == 0 ? "(chưa có kênh nào / none configured)" : string.Join(", ", _channels.Keys.Order(StringComparer.Ordinal));
        LogStarted(_logger, channels);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await SendDueAsync(stoppingToken);
                    if (_time.GetUtcNow() - _prunedAt >= TimeSpan.FromHours(1))
                    {
                        _prunedAt = _time.GetUtcNow();
                        _incidents.PruneNotifications(_options.KeepSentFor);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The store was unreachable for a moment: the outbox keeps everything, the next pass tries again.
                    LogPassFailed(_logger, e);
                }

                await Task.Delay(_options.PollEvery, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is unsent stays in the outbox for the next start.
        }

        LogStopped(_logger);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = _health.Where(h => h.Value.Failures >= _options.DegradedAfterFailures).OrderBy(h => h.Key, StringComparer.Ordinal).ToList();
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded(string.Join("; ", failing.Select(f =>
                $"kênh {f.Key} lỗi {f.Value.Failures} lần liên tiếp / channel {f.Key} failed {f.Value.Failures} times in a row: {f.Value.Error}"))));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chưa đặt Notifications:BaseUrl: đường dẫn trong thông báo là {Url}, điện thoại của cán bộ sẽ không mở được / Notifications:BaseUrl is not set: links in messages point to {Url}, which officers' phones cannot open")]
    private static partial void LogNoBaseUrl(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gửi thông báo qua: {Channels} / Notifications go through: {Channels}")]
    private static partial void LogStarted(ILogger logger, string channels);

    [LoggerMessage(Level = LogLevel.Information, Message = "Đã gửi {Channel}:{Recipient} (sự cố #{Incident}, {Event}) / Sent")]
    private static partial void LogSent(ILogger logger, string channel, string recipient, long incident, string @event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gửi {Channel}:{Recipient} (sự cố #{Incident}) lần {Attempt} lỗi, thử lại lúc {Next} (trống: đã bỏ) / attempt failed, next at {Next} (empty: given up): {Reason}")]
    private static partial void LogFailed(ILogger logger, string channel, string recipient, long incident, int attempt, DateTimeOffset? next, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lượt gửi thông báo lỗi, sẽ thử lại / A notification pass failed; trying again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ngừng gửi thông báo; phần chưa gửi vẫn trong hàng đợi / Notification sender stopped; what is unsent stays in the outbox")]
    private static partial void LogStopped(ILogger logger);
}
