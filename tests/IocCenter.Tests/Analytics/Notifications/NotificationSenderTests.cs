using System.Globalization;
using IocCenter.Analytics.Agencies;
using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Notifications;
using IocCenter.Tests.Ingest;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IocCenter.Tests.Analytics.Notifications;

/// <summary>
/// The sender's own logic with the real incident store and channels of the test's (the channels themselves are tested
/// against real servers beside this): the hold of a new incident's message, per-channel independence, backoff, and
/// <c>/health</c> Degraded when a channel keeps failing.
/// </summary>
public sealed class NotificationSenderTests : IDisposable
{
    private static readonly Evidence Offline = new("status", 1, Detail: "thiết bị báo mất kết nối / device reported offline");

    private readonly TestDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T22:30:00+07:00", CultureInfo.InvariantCulture));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly IncidentStore _store;
    private readonly IncidentService _incidents;

    public NotificationSenderTests()
    {
        var routing = new RoutingOptions();
        routing.Agencies[RoutingOptions.Construction].Notify.AddRange(["email:truc@soxd.gov.vn", "webhook:phieu"]);
        var dispatch = new IncidentDispatch(routing, new EscalationOptions(), new IncidentNames(_ => "traffic", _ => null, _ => null), "https://ioc.example", ["email", "webhook"], TimeSpan.FromSeconds(30));
        _store = new IncidentStore(Path.Combine(_dir.Path, "incidents.db"));
        _incidents = new IncidentService(_store, _time, TimeSpan.FromMinutes(30), dispatch);
    }

    public void Dispose()
    {
        _incidents.Dispose();
        _store.Dispose();
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private NotificationSender Sender(params INotificationChannel[] channels) => new(
        _incidents, channels, Options.Create(new NotificationOptions { RetryFirst = TimeSpan.FromSeconds(10), RetryMax = TimeSpan.FromMinutes(10) }),
        _time, _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), NullLogger<NotificationSender>.Instance);

    private sealed class Recording(string name) : INotificationChannel
    {
        public List<Notification> Sent { get; } = [];

        public string Name => name;

        public Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            Sent.Add(notification);
            return Task.CompletedTask;
        }
    }

    /// <summary>A mail server that takes the connection and never answers (until the attempt is given up).</summary>
    private sealed class Hanging(string name) : INotificationChannel
    {
        public int Attempts { get; private set; }

        public string Name => name;

        public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            Attempts++;
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            throw new TimeoutException("máy chủ thư không trả lời / the mail server did not answer");
        }
    }

    [Fact]
    public async Task SendDue_NewIncidentClearedWithinItsHold_TellsNobody()
    {
        var email = new Recording("email");
        var webhook = new Recording("webhook");
        var sender = Sender(email, webhook);
        await _incidents.RaiseAsync(IncidentKind.DeviceOffline, "trf-1", null, Severity.Major, Offline);
        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None)); // held
        await _incidents.ClearAsync(IncidentKind.DeviceOffline, "trf-1", null);
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None));
        Assert.Empty(email.Sent);
        Assert.Empty(webhook.Sent);
        var skipped = _incidents.RecentNotifications(10);
        Assert.All(skipped, e => Assert.True(e.Skipped && e.LastError!.StartsWith("đã bình thường lại trước khi gửi", StringComparison.Ordinal)));
        Assert.All(_incidents.ChannelStatuses(), s => Assert.Equal((1, 0, 0), (s.Skipped, s.GaveUp, s.Waiting)));
    }

    [Fact]
    public async Task SendDue_StillThereAfterItsHold_SentOnceOnEachChannel()
    {
        var email = new Recording("email");
        var webhook = new Recording("webhook");
        var sender = Sender(email, webhook);
        await _incidents.RaiseAsync(IncidentKind.DeviceOffline, "trf-1", null, Severity.Major, Offline);
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(2, await sender.SendDueAsync(CancellationToken.None));
        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None));
        Assert.Single(email.Sent);
        Assert.Single(webhook.Sent);
    }

    [Fact]
    public async Task SendDue_OneChannelHangs_TheOtherStillGoes_AndHealthTurnsDegradedAfterThreeFailures()
    {
        var email = new Hanging("email");
        var webhook = new Recording("webhook");
        var sender = Sender(email, webhook);
        for (var i = 0; i < 3; i++)
        {
            await _incidents.RaiseAsync(IncidentKind.DeviceOffline, $"trf-{i}", null, Severity.Major, Offline);
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(3, await sender.SendDueAsync(CancellationToken.None));
        Assert.Equal(3, webhook.Sent.Count);
        Assert.Equal(3, email.Attempts);
        var health = await sender.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("email", health.Description, StringComparison.Ordinal);

        // Backoff: nothing is due again before 10 s, then each again; the next wait is 20 s.
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None));
        Assert.Equal(3, email.Attempts);
        _time.Advance(TimeSpan.FromSeconds(1));
        await sender.SendDueAsync(CancellationToken.None);
        Assert.Equal(6, email.Attempts);
        Assert.All(_incidents.RecentNotifications(10).Where(e => e.Notification.Channel == "email"),
            e => Assert.Equal(_time.GetUtcNow().AddSeconds(20), e.NextAttemptAt));
    }
}
