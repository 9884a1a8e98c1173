using System.Net;
using System.Security.Cryptography.X509Certificates;
using IocCenter.Devices;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace IocCenter.Dashboard;

/// <summary>
/// The single-machine broker: MQTTnet's server on <see cref="AllInOneOptions.BrokerPort"/> (and a TLS listener when a
/// certificate is configured), with persistent sessions (ingest's QoS1 session survives its reconnects) and retained
/// messages (device status, open incidents). With authentication on, every connection proves who it is (a device's
/// own secret, or a service account), a device may publish only under its own <c>ioc/v1/{domain}/{id}/</c> and may
/// subscribe to nothing — the same rules <see cref="BrokerAccounts.WriteMosquittoFiles"/> gives mosquitto.
/// Started before ingest and the simulators, stopped after them.
/// </summary>
internal sealed partial class EmbeddedBroker(IOptions<AllInOneOptions> options, IServiceProvider services, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    private const string IdentityKey = "iocc.identity";
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _lastDenialLog = new(StringComparer.Ordinal);
    private MqttServer? _server;
    private BrokerAccounts? _accounts;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var factory = new MqttServerFactory();
        var builder = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(o.BrokerAddress))
            .WithDefaultEndpointPort(o.BrokerPort)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(o.BrokerMaxPendingPerClient);
        if (!string.IsNullOrEmpty(o.BrokerTlsCertificatePath))
        {
            builder.WithEncryptedEndpoint()
                .WithEncryptedEndpointBoundIPAddress(IPAddress.Parse(o.BrokerAddress))
                .WithEncryptedEndpointPort(o.BrokerTlsPort)
                .WithEncryptionCertificate(LoadCertificate(o))
                .WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
        }

        _server = factory.CreateMqttServer(builder.Build());
        _accounts = services.GetService<BrokerAccounts>();
        if (_accounts is not null)
        {
            _server.ValidatingConnectionAsync += ValidateConnectionAsync;
            _server.InterceptingPublishAsync += InterceptPublishAsync;
            _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
            LogAuthenticating(logger, _accounts.DeviceCount, _accounts.ServiceCount);
        }
        else if (o.BrokerAddress != "127.0.0.1")
        {
            LogAnonymous(logger, o.BrokerAddress, o.BrokerPort);
        }

        await _server.StartAsync();
        LogStarted(logger, o.BrokerAddress, o.BrokerPort);
        if (!string.IsNullOrEmpty(o.BrokerTlsCertificatePath))
        {
            LogTls(logger, o.BrokerAddress, o.BrokerTlsPort, o.BrokerTlsCertificatePath);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }

    public void Dispose() => _server?.Dispose();

    private static X509Certificate2 LoadCertificate(AllInOneOptions o)
    {
        var path = o.BrokerTlsCertificatePath!;
        var certificate = string.IsNullOrEmpty(o.BrokerTlsKeyPath)
            ? X509CertificateLoader.LoadPkcs12FromFile(path, o.BrokerTlsCertificatePassword)
            : string.IsNullOrEmpty(o.BrokerTlsCertificatePassword)
                ? X509Certificate2.CreateFromPemFile(path, o.BrokerTlsKeyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, o.BrokerTlsCertificatePassword, o.BrokerTlsKeyPath);

        // SslStream on Linux wants the key in a PKCS#12-backed certificate, not an ephemeral PEM one.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (_accounts!.Authenticate(e.UserName, e.Password) is { } identity)
        {
            e.SessionItems[IdentityKey] = identity;
            return Task.CompletedTask;
        }

        e.ReasonCode = string.IsNullOrEmpty(e.UserName) ? MqttConnectReasonCode.NotAuthorized : MqttConnectReasonCode.BadUserNameOrPassword;
        LogRefused(logger, e.UserName ?? "(none)", e.ClientId, e.RemoteEndPoint?.ToString() ?? "?");
        return Task.CompletedTask;
    }

    private Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        if (e.SessionItems[IdentityKey] is BrokerIdentity identity && BrokerAccounts.MayPublish(identity, e.ApplicationMessage.Topic))
        {
            return Task.CompletedTask;
        }

        // Dropped, and the publisher is told (MQTT 5: PUBACK "not authorized").
        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        if (FirstDenialThisMinute(e.UserName ?? e.ClientId))
        {
            LogPublishDenied(logger, e.UserName ?? e.ClientId, e.ApplicationMessage.Topic);
        }

        return Task.CompletedTask;
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (e.SessionItems[IdentityKey] is BrokerIdentity identity && BrokerAccounts.MaySubscribe(identity, e.TopicFilter.Topic))
        {
            return Task.CompletedTask;
        }

        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        if (FirstDenialThisMinute(e.UserName ?? e.ClientId))
        {
            LogSubscribeDenied(logger, e.UserName ?? e.ClientId, e.TopicFilter.Topic);
        }

        return Task.CompletedTask;
    }

    /// <summary>A device that keeps trying gets one log line a minute, not one per message.</summary>
    private bool FirstDenialThisMinute(string who)
    {
        var now = Environment.TickCount64;
        var last = _lastDenialLog.GetOrAdd(who, long.MinValue);
        return now - last >= 60_000 && _lastDenialLog.TryUpdate(who, now, last);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Máy chủ MQTT nhúng đang nghe / Embedded MQTT broker listening on {Address}:{Port}")]
    private static partial void LogStarted(ILogger logger, string address, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT TLS đang nghe / Embedded broker TLS listener on {Address}:{Port} with {Certificate}")]
    private static partial void LogTls(ILogger logger, string address, int port, string certificate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker yêu cầu xác thực / The embedded broker requires credentials: {Devices} devices, {Services} service accounts")]
    private static partial void LogAuthenticating(ILogger logger, int devices, int services);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker nhận kết nối ẩn danh / The embedded broker on {Address}:{Port} accepts anonymous devices (demo mode): set Devices:RegistryPath with device secrets for production")]
    private static partial void LogAnonymous(ILogger logger, string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Từ chối kết nối MQTT / Refused an MQTT connection: user {User}, client {ClientId}, from {Remote} (unknown user or wrong secret)")]
    private static partial void LogRefused(ILogger logger, string user, string clientId, string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Từ chối gửi tin / {User} may not publish to {Topic}")]
    private static partial void LogPublishDenied(ILogger logger, string user, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Từ chối đăng ký / {User} may not subscribe to {Filter}")]
    private static partial void LogSubscribeDenied(ILogger logger, string user, string filter);
}
