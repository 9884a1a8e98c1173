using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace IocCenter.TestShared;

/// <summary>One POST a <see cref="WebhookReceiver"/> took, with the headers a receiver relies on.</summary>
public sealed record WebhookDelivery(string Path, string? IdempotencyKey, string? Timestamp, string? Signature, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>
    /// Whether <see cref="Signature"/> is <c>sha256=</c> and the lowercase hex HMAC-SHA256, keyed with
    /// <paramref name="secret"/>, of the timestamp, a dot and the body bytes as received: computed here from the
    /// documented recipe, not with the product's own signing code.
    /// </summary>
    public bool SignatureVerifies(string secret)
    {
        if (Timestamp is null || Signature is null || !Signature.StartsWith("sha256=", StringComparison.Ordinal))
        {
            return false;
        }

        var signed = Encoding.ASCII.GetBytes(Timestamp + ".").Concat(Body).ToArray();
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        byte[] given;
        try
        {
            given = Convert.FromHexString(Signature["sha256=".Length..]);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>The timestamp header as a time, for a check against the receiver's clock.</summary>
    public DateTimeOffset? SentAt =>
        long.TryParse(Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}

/// <summary>
/// A ticketing system's webhook endpoint: a real HTTP listener on a loopback port chosen by the test (so the test can
/// configure a host with the URL while nothing listens there yet, and start the receiver later on the same port).
/// Records every POST and answers 200.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public WebhookReceiver(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = ServeAsync();
    }

    public int Port { get; }

    public ConcurrentQueue<WebhookDelivery> Received { get; } = new();

    /// <summary>The URL a host's <c>Notifications:Webhooks:{name}:Url</c> names for a receiver on <paramref name="port"/>.</summary>
    public static string UrlOn(int port) => $"http://127.0.0.1:{port}/ticket";

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped by Dispose
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.HttpMethod == "POST")
            {
                var headers = context.Request.Headers;
                Received.Enqueue(new WebhookDelivery(context.Request.Url!.AbsolutePath, headers["Idempotency-Key"], headers["X-IocCenter-Timestamp"], headers["X-IocCenter-Signature"], body.ToArray()));
            }

            context.Response.StatusCode = 200;
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
