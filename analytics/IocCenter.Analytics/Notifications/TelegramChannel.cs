using System.Globalization;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace IocCenter.Analytics.Notifications;

/// <summary>
/// Sends a notification's text to a Telegram chat through the Bot API at <see cref="TelegramOptions.ApiUrl"/>. The
/// recipient is a chat id (<c>-1001234567890</c>) or a public channel (<c>@kenh_ioc</c>). The text goes as plain text:
/// with no parse mode nothing in a title or a device name can be taken for markup.
/// </summary>
internal sealed class TelegramChannel : INotificationChannel
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly TelegramBotClient bot;
    private readonly TimeProvider timeProvider;

    public TelegramChannel(TelegramOptions options, HttpClient http, TimeProvider timeProvider)
    {
        if (string.IsNullOrWhiteSpace(options.BotToken))
        {
            throw new ArgumentException("Chưa cấu hình BotToken của Telegram / No Telegram BotToken is configured", nameof(options));
        }

        // No automatic retry on "Too Many Requests": the outbox is the one place that retries, with its own backoff.
        var clientOptions = new TelegramBotClientOptions(options.BotToken, options.ApiUrl.TrimEnd('/')) { RetryThreshold = 0, RetryCount = 0 };
        bot = new TelegramBotClient(clientOptions, http);
        this.timeProvider = timeProvider;
    }

    public string Name => "telegram";

    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        var chat = ParseChat(notification.Recipient);
        using var timeout = new CancellationTokenSource(Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await bot.SendMessage(chat, notification.Text, cancellationToken: linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Telegram không trả lời trong {Timeout.TotalSeconds} giây / Telegram did not answer within {Timeout.TotalSeconds} seconds");
        }
    }

    internal static ChatId ParseChat(string recipient)
    {
        if (long.TryParse(recipient, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
        {
            return new ChatId(id);
        }

        if (recipient.Length > 1 && recipient[0] == '@' && !recipient.AsSpan(1).ContainsAny(" \t\r\n@"))
        {
            return new ChatId(recipient);
        }

        throw new FormatException(
            $"'{recipient}' không phải mã cuộc trò chuyện Telegram (số) hay @tên_kênh / '{recipient}' is not a Telegram chat id (a number) or @channelname");
    }
}
