using System.Globalization;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.DashboardTests;

/// <summary>
/// What the notification tests share: the settings that give the all-in-one host a webhook (and, if asked, an SMTP
/// relay) for Sở Xây dựng's duty desk, a traffic device that goes offline at the embedded broker (its incident routes
/// to Sở Xây dựng by the device's domain), and the outbox as the admin API shows it.
/// </summary>
internal static class NotifyingHost
{
    public const string WebhookSecret = "ticket-secret-Đồng-Tháp-2026";

    /// <summary>
    /// No simulated fleet (its incidents would notify the same desk); <c>webhook:ticket</c> at
    /// <paramref name="webhookPort"/>, and <c>email:truc@soxd.gov.vn</c> through <paramref name="smtpPort"/> when given.
    /// </summary>
    public static string[] Settings(DashboardProcess host, int webhookPort, int? smtpPort = null, params string[] more)
    {
        var settings = new List<string>
        {
            "--AllInOne:Simulators=false",
            $"--Notifications:BaseUrl=http://127.0.0.1:{host.WebPort}",
            $"--Notifications:Webhooks:ticket:Url={IocCenter.TestShared.WebhookReceiver.UrlOn(webhookPort)}",
            $"--Notifications:Webhooks:ticket:Secret={WebhookSecret}",
            "--Notifications:PollEvery=00:00:00.250",
            "--Notifications:HoldNewFor=00:00:02", // a new incident's message waits (30 s by default) to see that it lasts
        };
        if (smtpPort is { } port)
        {
            settings.AddRange(
            [
                "--Notifications:Email:Host=127.0.0.1", $"--Notifications:Email:Port={port}", "--Notifications:Email:Security=none",
                "--Notifications:Email:From=Trung tâm IOC <ioc@tinh.gov.vn>",
                "--Routing:Agencies:so-xay-dung:Notify:0=email:truc@soxd.gov.vn", "--Routing:Agencies:so-xay-dung:Notify:1=webhook:ticket",
            ]);
        }
        else
        {
            settings.Add("--Routing:Agencies:so-xay-dung:Notify:0=webhook:ticket");
        }

        return [.. settings, .. more];
    }

    /// <summary>
    /// A traffic device reports one reading (so analytics learns its domain) and then says "offline", retained as a
    /// last will would be: a device_offline incident opens for it.
    /// </summary>
    public static async Task GoOfflineAsync(DashboardProcess host, string device)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.BrokerPort).WithClientId(device).Build());
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"ioc/v1/traffic/{device}/telemetry")
            .WithPayload($$$"""{"ts":{{{ts}}},"metrics":{"vehicle_count":12}}""").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"ioc/v1/traffic/{device}/status")
            .WithPayload("offline").WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await client.DisconnectAsync();
    }

    /// <summary>The outbox rows (newest first) about <paramref name="device"/>, from the admin's <c>GET /api/notifications</c>.</summary>
    public static async Task<List<JsonElement>> OutboxOfAsync(HttpClient admin, string device)
    {
        using var status = JsonDocument.Parse(await admin.GetStringAsync(new Uri("api/notifications", UriKind.Relative)));
        return status.RootElement.GetProperty("recent").EnumerateArray()
            .Where(e => e.GetProperty("notification").GetProperty("facts").GetProperty("deviceId").GetString() == device)
            .Select(e => e.Clone())
            .ToList();
    }

    /// <summary>Every device_offline incident (any state) of <paramref name="device"/>.</summary>
    public static async Task<List<JsonElement>> IncidentsOfAsync(HttpClient admin, string device)
    {
        using var list = JsonDocument.Parse(await admin.GetStringAsync(new Uri("api/incidents?kind=device_offline&state=all", UriKind.Relative)));
        return list.RootElement.EnumerateArray().Where(i => i.GetProperty("deviceId").GetString() == device).Select(i => i.Clone()).ToList();
    }

    public static bool IsSent(JsonElement row) => row.GetProperty("sentAt").ValueKind != JsonValueKind.Null;

    public static string Channel(JsonElement row) => row.GetProperty("notification").GetProperty("channel").GetString()!;
}
