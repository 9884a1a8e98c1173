using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IocCenter.Analytics.Notifications;
using Microsoft.Extensions.Time.Testing;

namespace IocCenter.Tests.Analytics.Notifications;

/// <summary>The webhook channel against a real HTTP listener on loopback.</summary>
public sealed class WebhookChannelTests : IDisposable
{
    private const string Secret = "bí-mật-đủ-dài-0123456789";

    /// <summary>Every placeholder, each inside a JSON string as a template author writes it.</summary>
    private const string FullTemplate = """
        {"key": "{{key}}", "title": "{{title}}", "text": "{{text}}", "link": "{{link}}", "event": "{{event}}",
         "incident": "{{incidentId}}", "kind": "{{kind}}", "kindVi": "{{kindVi}}", "severity": "{{severity}}",
         "severityVi": "{{severityVi}}", "device": "{{deviceId}} {{deviceName}}", "area": "{{area}}/{{areaName}}",
         "agency": "{{agency}}{{agencyName}}", "since": "{{since}}", "level": "{{level}}", "detail": "{{detail}}"}
        """;

    private const string Hostile = "Cầu \"Rồng\" \\ }} {{title}} \n\r\t 😀 </script> \u0000 ;";

    private readonly HttpClient http = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 1, 1, 30, 0, TimeSpan.Zero));
    private int status = 200;
    private readonly LoopbackHttpServer server;

    public WebhookChannelTests() => server = new LoopbackHttpServer(_ => (status, status == 200 ? "{}" : "lỗi máy chủ / server error " + new string('x', 500)));

    public void Dispose()
    {
        server.Dispose();
        http.Dispose();
    }

    private WebhookChannel Channel(string? template) =>
        new(new Dictionary<string, WebhookOptions> { ["dieu-hanh"] = new() { Url = server.BaseUrl + "/hook", Secret = Secret, Template = template } }, http, time);

    [Fact]
    public async Task SendAsync_Template_HostileValuesArriveIntactAndSigned()
    {
        var notification = SampleNotifications.Make("webhook", "dieu-hanh", title: Hostile, text: Hostile + "\nhết", detail: Hostile);

        await Channel(FullTemplate).SendAsync(notification, CancellationToken.None);

        var request = Assert.Single(server.Received);
        Assert.Equal(("POST", "/hook"), (request.Method, request.Path));
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal(Hostile, root.GetProperty("title").GetString());
        Assert.Equal(Hostile + "\nhết", root.GetProperty("text").GetString());
        Assert.Equal(Hostile, root.GetProperty("detail").GetString());
        Assert.Equal("flood-07 Cảm biến ngập Bạch Đằng", root.GetProperty("device").GetString());
        Assert.Equal("", root.GetProperty("agency").GetString());
        Assert.Equal("42", root.GetProperty("incident").GetString());
        Assert.Equal("2026-12-01T08:30:00+07:00", root.GetProperty("since").GetString());
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal(notification.Key, request.Headers["Idempotency-Key"]);
        AssertSigned(request, time.GetUtcNow().ToUnixTimeSeconds());
    }

    [Fact]
    public async Task SendAsync_NoTemplate_BodyIsWholeNotificationCamelCase()
    {
        var notification = SampleNotifications.Make("webhook", "DIEU-HANH");

        await Channel(null).SendAsync(notification, CancellationToken.None);

        var request = Assert.Single(server.Received);
        var root = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(notification.Key, root.GetProperty("key").GetString());
        Assert.Equal(42, root.GetProperty("incidentId").GetInt64());
        Assert.Equal(SampleNotifications.Text, root.GetProperty("text").GetString());
        var facts = root.GetProperty("facts");
        Assert.Equal("nghiêm trọng", facts.GetProperty("severityVi").GetString());
        Assert.Equal(JsonValueKind.Null, facts.GetProperty("agency").ValueKind);
        Assert.Equal(notification.Facts.Since, facts.GetProperty("since").GetDateTimeOffset());
        Assert.Equal(2, facts.GetProperty("level").GetInt32());
        AssertSigned(request, time.GetUtcNow().ToUnixTimeSeconds());
    }

    [Fact]
    public async Task SendAsync_ServerAnswers500_ThrowsWithStatusAndExcerpt()
    {
        status = 500;

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Channel(null).SendAsync(SampleNotifications.Make("webhook", "dieu-hanh"), CancellationToken.None));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Contains("500", error.Message);
        Assert.Contains("lỗi máy chủ / server error xxx", error.Message);
        Assert.DoesNotContain(new string('x', 200), error.Message);
    }

    [Fact]
    public async Task SendAsync_UnknownWebhookName_ThrowsArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Channel(null).SendAsync(SampleNotifications.Make("webhook", "khac"), CancellationToken.None));
        Assert.Empty(server.Received);
    }

    [Theory]
    [InlineData("ftp://example.vn/hook", "0123456789abcdef")]
    [InlineData("/hook", "0123456789abcdef")]
    [InlineData("https://example.vn/hook", "ngắn")]
    public void Constructor_BadUrlOrShortSecret_ThrowsArgumentException(string url, string secret) =>
        Assert.Throws<ArgumentException>(() => new WebhookChannel(
            new Dictionary<string, WebhookOptions> { ["x"] = new() { Url = url, Secret = secret } }, http, time));

    [Fact]
    public void Sign_KnownInput_IsHmacOfTimestampDotBody() =>
        Assert.Equal(
            "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("k"u8, "1700000000.{}"u8)),
            WebhookChannel.Sign("k", 1_700_000_000, "{}"u8));

    private static void AssertSigned(ReceivedRequest request, long expectedTimestamp)
    {
        var timestamp = request.Headers["X-IocCenter-Timestamp"];
        Assert.Equal(expectedTimestamp.ToString(CultureInfo.InvariantCulture), timestamp);
        // Verified as a receiver would, from the bytes received, without the channel's own Sign.
        var signed = Encoding.ASCII.GetBytes(timestamp + ".").Concat(request.Body).ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed));
        Assert.Equal(expected, request.Headers["X-IocCenter-Signature"]);
    }
}
