using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IocCenter.Tests.Analytics.Notifications;

/// <summary>A real HTTP server on a free loopback port that records every request and answers as the test says.</summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<ReceivedRequest, (int Status, string Body)> answer;
    private readonly Task loop;

    public LoopbackHttpServer(Func<ReceivedRequest, (int Status, string Body)> answer)
    {
        this.answer = answer;
        Port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = ServeAsync();
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return; // stopped by Dispose
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var request = new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body.ToArray());
            Received.Enqueue(request);
            var (status, text) = answer(request);
            var bytes = Encoding.UTF8.GetBytes(text);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        // Close alone: on Linux, Stop then Close removed the prefix twice, and the second removal looked the port up
        // again, binding it anew; when another test's listener had taken the port in between, Close threw "Address
        // already in use" (a clean-clone CI run failed TelegramChannelTests that way).
        try
        {
            listener.Close();
        }
        catch (HttpListenerException)
        {
            // Nothing of this listener is left to release.
        }

        loop.Wait(TimeSpan.FromSeconds(5));
    }
}

internal sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}
