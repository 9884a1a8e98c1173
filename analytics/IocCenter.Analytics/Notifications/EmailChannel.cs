using System.Security.Cryptography;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace IocCenter.Analytics.Notifications;

/// <summary>
/// Sends a notification as a plain-text UTF-8 e-mail through the configured SMTP relay. It connects per message:
/// notifications are few, and a fresh connection never inherits a half-dead one after the relay restarts.
/// </summary>
internal sealed class EmailChannel(EmailOptions options, TimeProvider timeProvider) : INotificationChannel
{
    private const int TimeoutMilliseconds = 30_000;

    private readonly string host = string.IsNullOrWhiteSpace(options.Host)
        ? throw new ArgumentException("Chưa cấu hình máy chủ SMTP (Notifications:Email:Host) / No SMTP host is configured (Notifications:Email:Host)", nameof(options))
        : options.Host;

    private readonly SecureSocketOptions security = ParseSecurity(options.Security);

    private readonly MailboxAddress from = ParseAddress(options.From, "người gửi", "sender");

    public string Name => "email";

    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        var message = Compose(notification);
        using var client = new SmtpClient { Timeout = TimeoutMilliseconds };
        await client.ConnectAsync(host, options.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(options.User))
        {
            await client.AuthenticateAsync(options.User, options.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    internal MimeMessage Compose(Notification notification)
    {
        var body = new TextPart("plain");
        body.SetText(Encoding.UTF8, notification.Text);
        // Quoted-printable: Vietnamese survives a relay that does not take 8-bit mail.
        body.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        var message = new MimeMessage
        {
            Subject = notification.Title,
            Date = timeProvider.GetUtcNow(),
            // The same key always gives the same Message-ID, so a mail system (or a person) can see a repeat after a retry.
            MessageId = KeyHash(notification.Key) + "@iocc",
            Body = body,
        };
        message.From.Add(from);
        message.To.Add(ParseAddress(notification.Recipient, "người nhận", "recipient"));
        message.Headers.Add("X-IocCenter-Key", notification.Key);
        return message;
    }

    private static string KeyHash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static SecureSocketOptions ParseSecurity(string value) => value switch
    {
        "auto" => SecureSocketOptions.Auto,
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "ssl" => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentException(
            $"Notifications:Email:Security phải là auto, none, starttls hoặc ssl, không phải '{value}' / must be auto, none, starttls or ssl, not '{value}'",
            nameof(value)),
    };

    /// <summary>One mailbox with a domain; MimeKit alone would accept a bare local part or a list.</summary>
    private static MailboxAddress ParseAddress(string? text, string whatVi, string whatEn)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException($"Địa chỉ e-mail {whatVi} trống / The {whatEn} e-mail address is empty");
        }

        if (!InternetAddressList.TryParse(text, out var list) || list.Count != 1 || list[0] is not MailboxAddress mailbox)
        {
            throw new FormatException($"'{text}' không phải một địa chỉ e-mail {whatVi} hợp lệ / '{text}' is not one valid {whatEn} e-mail address");
        }

        var at = mailbox.Address.LastIndexOf('@');
        if (at <= 0 || at == mailbox.Address.Length - 1)
        {
            throw new FormatException($"Địa chỉ e-mail {whatVi} '{text}' thiếu tên miền / The {whatEn} e-mail address '{text}' has no domain");
        }

        return mailbox;
    }
}
