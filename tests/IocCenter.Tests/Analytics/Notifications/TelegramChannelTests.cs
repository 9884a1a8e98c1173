using System.Text.Json;
using IocCenter.Analytics.Notifications;
using Telegram.Bot.Exceptions;

namespace IocCenter.Tests.Analytics.Notifications;

/// <summary>
/// The Telegram channel against a stand-in for the Bot API on loopback: api.telegram.org cannot be reached from
/// these machines. The stand-in answers what the real API answers for sendMessage, and the channel is pointed at it
/// the way a province points it at its own Bot API server (ApiUrl).
/// </summary>
public sealed class TelegramChannelTests : IDisposable
{
    private const string Token = "123456789:AAH-thu-nghiem_token";

    private readonly HttpClient http = new();
    private (int Status, string Body) answer = (200, """{"ok":true,"result":{"message_id":1,"date":1764552600,"chat":{"id":-1001234567890,"type":"supergroup","title":"Trực ban"},"text":"..."}}""");
    private readonly LoopbackHttpServer server;

    public TelegramChannelTests() => server = new LoopbackHttpServer(_ => answer);

    public void Dispose()
    {
        server.Dispose();
        http.Dispose();
    }

    private TelegramChannel Channel() => new(new TelegramOptions { BotToken = Token, ApiUrl = server.BaseUrl + "/" }, http, TimeProvider.System);

    [Theory]
    [InlineData("-1001234567890", -1001234567890L)]
    [InlineData("@kenh_ioc", null)]
    public async Task SendAsync_StandIn_ChatIdAndVietnameseTextArriveOnTokenPath(string recipient, long? numericId)
    {
        await Channel().SendAsync(SampleNotifications.Make("telegram", recipient), CancellationToken.None);

        var request = Assert.Single(server.Received);
        Assert.Equal(("POST", $"/bot{Token}/sendMessage"), (request.Method, request.Path));
        var body = JsonDocument.Parse(request.Body).RootElement;
        var chat = body.GetProperty("chat_id");
        if (numericId is { } id)
        {
            Assert.Equal(id, chat.GetInt64());
        }
        else
        {
            Assert.Equal(recipient, chat.GetString());
        }

        Assert.Equal(SampleNotifications.Text, body.GetProperty("text").GetString());
        Assert.False(body.TryGetProperty("parse_mode", out _));
    }

    [Fact]
    public async Task SendAsync_BotBlocked_ThrowsApiRequestException()
    {
        answer = (403, """{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}""");

        var error = await Assert.ThrowsAsync<ApiRequestException>(() => Channel().SendAsync(SampleNotifications.Make("telegram", "123"), CancellationToken.None));

        Assert.Equal(403, error.ErrorCode);
        Assert.Contains("blocked", error.Message);
    }

    [Theory]
    [InlineData("kenh_ioc")]
    [InlineData("@")]
    [InlineData("12 34")]
    [InlineData("")]
    public async Task SendAsync_NotAChat_ThrowsFormatException(string recipient)
    {
        await Assert.ThrowsAsync<FormatException>(() => Channel().SendAsync(SampleNotifications.Make("telegram", recipient), CancellationToken.None));
        Assert.Empty(server.Received);
    }

    [Fact]
    public void Constructor_NoToken_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => new TelegramChannel(new TelegramOptions(), http, TimeProvider.System));
}
