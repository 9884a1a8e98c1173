using IocCenter.IntegrationTests;
using IocCenter.TestShared;

namespace IocCenter.DashboardTests;

/// <summary>
/// The outbox across a crash: a notification decided while its webhook is down survives a SIGKILL of the host (it is
/// in the incident store, not in memory), goes out once after the restart, and the restart neither raises the
/// incident again nor decides the notification again.
/// </summary>
public sealed class OutboxCrashTests : IAsyncLifetime
{
    private const string Device = "ntf-trf-crash";
    private static readonly TimeSpan RetryMax = TimeSpan.FromSeconds(2);
    private readonly DashboardProcess _host = new();
    private readonly int _ticketPort = TestSupport.FreePort(); // nothing listens here until the test says so
    private WebhookReceiver? _ticket;

    private string[] Settings => NotifyingHost.Settings(_host, _ticketPort, smtpPort: null,
        "--Notifications:RetryFirst=00:00:01", $"--Notifications:RetryMax={RetryMax}");

    public Task InitializeAsync() => _host.StartAsync(Settings);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _ticket?.Dispose();
    }

    [Fact]
    public async Task HostKilledWhileWebhookDown_RestartedWithReceiverUp_DeliveredExactlyOnce()
    {
        using (var admin = await _host.AdminAsync())
        {
            await NotifyingHost.GoOfflineAsync(_host, Device);
            var failing = await Eventually.WaitAsync(
                () => NotifyingHost.OutboxOfAsync(admin, Device),
                rows => rows.Count == 1 && rows[0].GetProperty("attempts").GetInt32() >= 1,
                TimeSpan.FromSeconds(30),
                "the webhook's notification waiting after a failed attempt");
            Assert.False(NotifyingHost.IsSent(failing[0]));
            Assert.NotEqual(System.Text.Json.JsonValueKind.Null, failing[0].GetProperty("lastError").ValueKind);
        }

        await _host.StopAsync(); // Process.Kill: SIGKILL, no graceful stop, the sender mid-backoff
        _ticket = new WebhookReceiver(_ticketPort);
        await _host.StartAsync(Settings); // the same data folder and ports

        using var again = await _host.AdminAsync();
        var sent = await Eventually.WaitAsync(
            () => NotifyingHost.OutboxOfAsync(again, Device),
            rows => rows.Count == 1 && NotifyingHost.IsSent(rows[0]),
            TimeSpan.FromSeconds(30),
            "the notification sent after the restart");
        var key = sent[0].GetProperty("notification").GetProperty("key").GetString();
        var incident = sent[0].GetProperty("notification").GetProperty("incidentId").GetInt64();
        Assert.Equal(key, Assert.Single(_ticket.Received).IdempotencyKey);

        // No duplicate can be proven only by waiting: a wrongly pending row would be retried within RetryMax plus a
        // poll, and a notification decided again at the restart would go within a poll. Three such periods, bounded.
        using (var quiet = new PeriodicTimer(3 * (RetryMax + TimeSpan.FromMilliseconds(250))))
        {
            await quiet.WaitForNextTickAsync();
        }

        Assert.Equal(key, Assert.Single(_ticket.Received).IdempotencyKey);
        Assert.True(Assert.Single(_ticket.Received).SignatureVerifies(NotifyingHost.WebhookSecret));
        var rows = await NotifyingHost.OutboxOfAsync(again, Device);
        Assert.Equal(incident, Assert.Single(rows).GetProperty("notification").GetProperty("incidentId").GetInt64());
        Assert.True(rows[0].GetProperty("attempts").GetInt32() >= 2, "one failed before the kill, one accepted after");

        // The retained "offline" came back at the restart: the same incident, still open, not a second one.
        var incidents = await NotifyingHost.IncidentsOfAsync(again, Device);
        Assert.Equal(incident, Assert.Single(incidents).GetProperty("id").GetInt64());
    }
}
