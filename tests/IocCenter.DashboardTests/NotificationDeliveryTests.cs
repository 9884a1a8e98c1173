using System.Text.Json;
using IocCenter.IntegrationTests;
using IocCenter.TestShared;
using IocCenter.Tests.Analytics.Notifications;

namespace IocCenter.DashboardTests;

/// <summary>
/// Issue 18 end to end in the all-in-one host: an incident that opens reaches its agency's duty desk by e-mail (Debian's
/// aiosmtpd as the relay) and by a signed webhook (the test's own HTTP listener), and the admin sees both as sent.
/// </summary>
public sealed class NotificationDeliveryTests : IAsyncLifetime
{
    private const string Device = "ntf-trf-1";
    private readonly DashboardProcess _host = new();
    private readonly AiosmtpdServer _smtp = new();
    private readonly WebhookReceiver _ticket = new(TestSupport.FreePort());

    public Task InitializeAsync() => _host.StartAsync(NotifyingHost.Settings(_host, _ticket.Port, _smtp.Port));

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _ticket.Dispose();
        _smtp.Dispose();
    }

    [Fact]
    public async Task IncidentOpens_AgencyWithEmailAndWebhook_BothDeliveredOnceAndListedAsSent()
    {
        using var admin = await _host.AdminAsync();
        await NotifyingHost.GoOfflineAsync(_host, Device);

        var sent = await Eventually.WaitAsync(
            () => NotifyingHost.OutboxOfAsync(admin, Device),
            rows => rows.Count == 2 && rows.All(NotifyingHost.IsSent),
            TimeSpan.FromSeconds(30),
            "both notifications sent");
        var incident = sent[0].GetProperty("notification").GetProperty("incidentId").GetInt64();
        Assert.Equal(["email", "webhook"], sent.Select(NotifyingHost.Channel).Order(StringComparer.Ordinal));
        Assert.All(sent, row => Assert.Equal(incident, row.GetProperty("notification").GetProperty("incidentId").GetInt64()));
        Assert.All(sent, row => Assert.Equal(1, row.GetProperty("attempts").GetInt32()));
        var link = $"http://127.0.0.1:{_host.WebPort}/console?incident={incident}";

        // The e-mail, as the relay stored it: a Vietnamese subject led by the severity, the console link in the body.
        var mail = Assert.Single(await Eventually.WaitAsync(() => Task.FromResult(_smtp.Messages()), m => m.Count >= 1, TimeSpan.FromSeconds(10), "the e-mail at aiosmtpd"));
        Assert.Equal("truc@soxd.gov.vn", Assert.Single(mail.To.Mailboxes).Address);
        Assert.StartsWith("[Cao] Thiết bị mất tín hiệu", mail.Subject, StringComparison.Ordinal); // a device_offline is Major: "Cao"
        Assert.Contains($"(#{incident})", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("Đơn vị phụ trách: Sở Xây dựng", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Xem và tiếp nhận: {link}", mail.TextBody, StringComparison.Ordinal);

        // The webhook, once, signed with the shared secret over the bytes as received, with the outbox row's key.
        var post = Assert.Single(_ticket.Received);
        Assert.Equal("/ticket", post.Path);
        Assert.True(post.SignatureVerifies(NotifyingHost.WebhookSecret), $"signature {post.Signature} over t={post.Timestamp}");
        Assert.False(post.SignatureVerifies("another-secret-of-16+chars"));
        Assert.InRange(post.SentAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddSeconds(5));
        var webhookRow = sent.Single(r => NotifyingHost.Channel(r) == "webhook");
        Assert.Equal(webhookRow.GetProperty("notification").GetProperty("key").GetString(), post.IdempotencyKey);
        Assert.StartsWith($"iocc:{incident}:opened:", post.IdempotencyKey, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal(incident, body.RootElement.GetProperty("incidentId").GetInt64());
        Assert.Equal(link, body.RootElement.GetProperty("link").GetString());
        Assert.Equal("so-xay-dung", body.RootElement.GetProperty("facts").GetProperty("agency").GetString());
        Assert.Equal(Device, body.RootElement.GetProperty("facts").GetProperty("deviceId").GetString());
    }
}
