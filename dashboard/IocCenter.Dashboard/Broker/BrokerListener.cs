using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace IocCenter.Dashboard.Broker;

/// <summary>
/// The embedded broker's TCP listeners (plain, and TLS when a certificate is given), in place of MQTTnet's own: each
/// connection's stream goes through a <see cref="PacketSizeGuard"/>, which MQTTnet has no setting for, and each
/// connection through <see cref="ConnectHandshake"/>, which also keeps two connections with one client id from
/// racing inside MQTTnet (<see cref="ClientIdGate"/>). Everything past the bytes is MQTTnet's, unchanged. Connections
/// are capped in all and per address (<see cref="BrokerLimits"/>), and when accepting fails (no file descriptor left)
/// the loop waits before it tries again, so a flood of idle sockets cannot spin it or starve the rest of the host.
/// </summary>
internal sealed partial class BrokerListener(
    IPAddress address, int port, (int Port, X509Certificate2 Certificate)? tls, BrokerLimits limits, BrokerRefusals refusals, TimeProvider time, ILogger logger) : IMqttServerAdapter
{
    private static readonly TimeSpan AcceptRetry = TimeSpan.FromMilliseconds(200);
    private readonly ConnectionCount _connections = new(limits.MaxConnections, limits.MaxConnectionsPerAddress);
    private readonly ClientIdGate _clientIds = new(TimeSpan.FromSeconds(5), time, refusals.ClientIdWaitTimedOut);
    private readonly CancellationTokenSource _stopping = new();
    private long _acceptFailures;
    private long _lastAcceptLog;
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private readonly List<TcpListener> _listeners = [];
    private MqttServerOptions? _options;
    private IMqttNetLogger? _mqttLogger;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _options = options;
        _mqttLogger = logger;
        Listen(new IPEndPoint(address, port), null);
        if (tls is { } secure)
        {
            Listen(new IPEndPoint(address, secure.Port), secure.Certificate);
        }

        if (address.Equals(IPAddress.Any) && Socket.OSSupportsIPv6)
        {
            // As MQTTnet's own listener did: "every address" means IPv6 too (a device given "localhost" may try ::1 first).
            TryListenIPv6(port, null);
            if (tls is { } secureV6)
            {
                TryListenIPv6(secureV6.Port, secureV6.Certificate);
            }
        }

        return Task.CompletedTask;
    }

    private void TryListenIPv6(int onPort, X509Certificate2? certificate)
    {
        try
        {
            Listen(new IPEndPoint(IPAddress.IPv6Any, onPort), certificate);
        }
        catch (SocketException e)
        {
            LogNoIPv6(logger, onPort, e.Message);
        }
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        // MQTTnet has closed its clients by now; what is left are connections still in their handshake.
        await Task.WhenAll(_running.Keys).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _stopping.Dispose();
    }

    private void Listen(IPEndPoint endpoint, X509Certificate2? certificate)
    {
        var listener = new TcpListener(endpoint);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            listener.Server.DualMode = false; // IPv4 has its own listener
        }

        listener.Start(1000);
        _listeners.Add(listener);
        Track(AcceptAsync(listener, certificate));
    }

    private void Track(Task task)
    {
        _running[task] = true;
        task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task AcceptAsync(TcpListener listener, X509Certificate2? certificate)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || _stopping.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException e)
            {
                // Out of file descriptors, typically: say so at most every 10 s, and give the host room to breathe.
                Interlocked.Increment(ref _acceptFailures);
                if (_lastAcceptLog == 0 || time.GetElapsedTime(_lastAcceptLog) > TimeSpan.FromSeconds(10))
                {
                    _lastAcceptLog = time.GetTimestamp();
                    LogAcceptFailed(logger, listener.LocalEndpoint.ToString() ?? "?", e.Message, Interlocked.Exchange(ref _acceptFailures, 0) - 1);
                }

                try
                {
                    await Task.Delay(AcceptRetry, time, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            var from = (socket.RemoteEndPoint as IPEndPoint)?.Address;
            if (!_connections.TryAdd(from))
            {
                refusals.Refused(BrokerRefusal.TooManyConnections, null, null, socket.RemoteEndPoint?.ToString(),
                    $"limit {limits.MaxConnections} in all, {limits.MaxConnectionsPerAddress} per address");
                socket.Close(0);
                continue;
            }

            Track(Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(socket, certificate);
                }
                finally
                {
                    _connections.Remove(from);
                }
            }));
        }

        LogStopped(logger, listener.LocalEndpoint);
    }

    private async Task ServeAsync(Socket socket, X509Certificate2? certificate)
    {
        var remote = socket.RemoteEndPoint;
        var local = socket.LocalEndPoint;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            socket.NoDelay = true;
            X509Certificate2? clientCertificate = null;
            if (certificate is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                handshake.CancelAfter(limits.ConnectTimeout);
                await ssl.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = certificate,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        EncryptionPolicy = EncryptionPolicy.RequireEncryption,
                    },
                    handshake.Token);
                clientCertificate = ssl.RemoteCertificate as X509Certificate2;
            }

            var guarded = new PacketSizeGuard(stream, limits.MaxPacketSize, size =>
                refusals.Refused(BrokerRefusal.PacketTooLarge, null, null, remote?.ToString(), $"{size} bytes, limit {limits.MaxPacketSize}"));
            stream = guarded;
            if (ClientHandler is { } handler)
            {
                var channel = new MqttTcpChannel(guarded, local, remote, clientCertificate);
                var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(_options!.WriterBufferSize, _options.WriterBufferSizeMax));
                using var adapter = new MqttChannelAdapter(channel, formatter, _mqttLogger!) { AllowPacketFragmentation = true };
                var handshake = new ConnectHandshake(adapter, limits.MaxPacketSize, () =>
                    refusals.Refused(BrokerRefusal.TopicAlias, null, null, remote?.ToString(), "topic alias"), _clientIds, () =>
                    refusals.Refused(BrokerRefusal.NotReading, null, null, remote?.ToString(), $"{ConnectHandshake.MaxUnanswered} answers left unread for {ConnectHandshake.DrainTimeout.TotalSeconds:0} s / không đọc trả lời của broker"), time);
                try
                {
                    await handler(handshake);
                }
                finally
                {
                    handshake.Finished();
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            // A client that went away, failed its TLS handshake, or sent too large a packet (counted where it was seen).
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker không nhận được kết nối / The embedded broker's listener on {Endpoint} failed to accept a connection: {Message} ({Suppressed} more since the last line)")]
    private static partial void LogAcceptFailed(ILogger logger, string endpoint, string message, long suppressed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker không nghe trên IPv6 / The embedded broker is not listening on IPv6 port {Port}: {Message}")]
    private static partial void LogNoIPv6(ILogger logger, int port, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Broker ngừng nghe / The embedded broker stopped listening on {Endpoint}")]
    private static partial void LogStopped(ILogger logger, EndPoint endpoint);
}
