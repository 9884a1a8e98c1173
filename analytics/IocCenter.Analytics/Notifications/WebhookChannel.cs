using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace IocCenter.Analytics.Notifications;

/// <summary>
/// POSTs a notification to a configured, named webhook. The recipient is the webhook's name, never a URL, so an
/// address typed into a rule cannot send incident data to an arbitrary server.
/// <para>
/// Headers a receiver can rely on: <c>Idempotency-Key</c> (the notification's key: drop a repeat),
/// <c>X-IocCenter-Timestamp</c> (unix seconds) and <c>X-IocCenter-Signature: sha256=HEX</c>, where HEX is the
/// lowercase hex HMAC-SHA256, keyed with the webhook's secret (UTF-8), of the ASCII timestamp, a <c>.</c>, and the
/// raw body bytes. To verify: recompute over the bytes exactly as received, compare in constant time, and reject a
/// timestamp far from the receiver's clock (a replayed request carries an old one).
/// </para>
/// </summary>
internal sealed class WebhookChannel : INotificationChannel
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The default body's wire format: camelCase, ISO-8601 times, the facts as a nested object.</summary>
    private static readonly JsonSerializerOptions BodyFormat = new(JsonSerializerDefaults.Web)
    {
        // Vietnamese as itself, not \uXXXX, so a receiver's raw log is readable; still valid JSON.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Dictionary<string, WebhookOptions> webhooks;
    private readonly HttpClient http;
    private readonly TimeProvider timeProvider;

    public WebhookChannel(IReadOnlyDictionary<string, WebhookOptions> webhooks, HttpClient http, TimeProvider timeProvider)
    {
        foreach (var (name, webhook) in webhooks)
        {
            var error = ValidateUrl(webhook.Url)
                ?? (webhook.Secret.Length < 16 ? "Secret phải dài ít nhất 16 ký tự / Secret must be at least 16 characters long" : null)
                ?? (webhook.Template is { } template ? ValidateTemplate(template) : null);
            if (error is not null)
            {
                throw new ArgumentException($"Webhook '{name}': {error}", nameof(webhooks));
            }
        }

        // Configuration keys are case-insensitive, so names are too.
        this.webhooks = new Dictionary<string, WebhookOptions>(webhooks, StringComparer.OrdinalIgnoreCase);
        this.http = http;
        this.timeProvider = timeProvider;
    }

    public string Name => "webhook";

    /// <inheritdoc cref="WebhookTemplate.Validate"/>
    public static string? ValidateTemplate(string template) => WebhookTemplate.Validate(template);

    /// <summary>Null for an absolute http or https URL; else why not, in Vietnamese then English.</summary>
    public static string? ValidateUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? null
            : $"Url phải là địa chỉ http hoặc https đầy đủ, không phải '{url}' / Url must be an absolute http or https URL, not '{url}'";

    /// <summary>The <c>X-IocCenter-Signature</c> value: <c>sha256=</c> and the lowercase hex HMAC-SHA256 of <c>"{timestamp}." + body</c>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return "sha256=" + Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>The body for <paramref name="webhook"/>: its template rendered, or the whole notification as JSON.</summary>
    internal static byte[] Body(WebhookOptions webhook, Notification notification) => webhook.Template is { } template
        ? Encoding.UTF8.GetBytes(WebhookTemplate.Render(template, notification))
        : JsonSerializer.SerializeToUtf8Bytes(notification, BodyFormat);

    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (!webhooks.TryGetValue(notification.Recipient, out var webhook))
        {
            throw new ArgumentException(
                $"Không có webhook tên '{notification.Recipient}' trong cấu hình / No webhook named '{notification.Recipient}' is configured",
                nameof(notification));
        }

        var body = Body(webhook, notification);
        var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("Idempotency-Key", notification.Key);
        request.Headers.Add("X-IocCenter-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-IocCenter-Signature", Sign(webhook.Secret, timestamp, body));

        using var timeout = new CancellationTokenSource(Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                var excerpt = await Excerpt(response, linked.Token);
                throw new HttpRequestException(
                    $"Webhook '{notification.Recipient}' trả lời {(int)response.StatusCode} / answered {(int)response.StatusCode}: {excerpt}",
                    null,
                    response.StatusCode);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Webhook '{notification.Recipient}' không trả lời trong {Timeout.TotalSeconds} giây / did not answer within {Timeout.TotalSeconds} seconds");
        }
    }

    /// <summary>The first 200 characters of an error response, reading no more than needed of a huge one.</summary>
    private static async Task<string> Excerpt(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[800]; // 200 characters are at most 800 UTF-8 bytes
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        var text = Encoding.UTF8.GetString(buffer, 0, length);
        return text.Length <= 200 ? text : text[..200];
    }
}
