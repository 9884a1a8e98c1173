using System.Net;
using System.Security.Cryptography.X509Certificates;
using IocCenter.Devices;
using Microsoft.Extensions.Options;
using IocCenter.Dashboard.Broker;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace IocCenter.Dashboard;

/// <summary>
/// The single-machine broker: MQTTnet's server on <see cref="AllInOneOptions.BrokerPort"/> (and a TLS listener when a
/// certificate is configured), with persistent sessions (ingest's QoS1 session survives its reconnects) and retained
/// messages (device status, open incidents). Every connection proves who it is or is an anonymous device:
/// <list type="bullet">
/// <item>IocCenter's services sign in (this process's own with a secret made at start), and only they may use a client
/// id of theirs (<c>iocc-…</c>), read, or write outside devices' topics;</item>
/// <item>with a device registry, a device signs in with its own secret and publishes only under its own
/// <c>ioc/v1/{domain}/{id}/</c> — the same rules <see cref="BrokerAccounts.WriteMosquittoFiles"/> gives mosquitto;</item>
/// <item>without one (the demo), an anonymous device may publish readings and status under any
/// <c>ioc/v1/{domain}/{id}/</c>, and nothing else;</item>
/// <item>devices subscribe to nothing, retain nothing but their status, and no packet exceeds
/// <see cref="AllInOneOptions.BrokerMaxPacketSize"/>;</item>
/// <item>an empty client id with a clean session gets one assigned (MQTT 3.1.1 and 5).</item>
/// </list>
/// Every refusal is counted and logged by <see cref="BrokerRefusals"/>. Started before ingest and the simulators,
/// stopped after them.
/// </summary>
internal sealed partial class EmbeddedBroker(
    IOptions<AllInOneOptions> options, BrokerAccounts accounts, BrokerRefusals refusals, TimeProvider time, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    private const string IdentityKey = "iocc.identity";
    private const string RemoteKey = "iocc.remote";
    private MqttServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var factory = new MqttServerFactory();
        var serverOptions = factory.CreateServerOptionsBuilder()
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(o.BrokerMaxPendingPerClient)
            .WithDefaultCommunicationTimeout(o.BrokerConnectTimeout) // how long a connection may take to send CONNECT
            .Build();
        var tls = string.IsNullOrEmpty(o.BrokerTlsCertificatePath) ? ((int, X509Certificate2)?)null : (o.BrokerTlsPort, LoadCertificate(o));
        var limits = new BrokerLimits(o.BrokerMaxPacketSize, o.BrokerMaxConnections, o.BrokerMaxConnectionsPerAddress, o.BrokerConnectTimeout);
        var listener = new BrokerListener(IPAddress.Parse(o.BrokerAddress), o.BrokerPort, tls, limits, refusals, time, logger);
        _server = factory.CreateMqttServer(serverOptions, [listener]);
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        if (!accounts.AllowAnonymous)
        {
            LogAuthenticating(logger, accounts.DeviceCount, accounts.ServiceCount);
        }
        else if (o.BrokerAddress != "127.0.0.1")
        {
            LogAnonymous(logger, o.BrokerAddress, o.BrokerPort);
        }

        await _server.StartAsync();
        LogStarted(logger, o.BrokerAddress, o.BrokerPort, o.BrokerMaxPacketSize);
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

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        var remote = e.RemoteEndPoint?.ToString();
        if (string.IsNullOrEmpty(e.ClientId) && e.ProtocolVersion == MqttProtocolVersion.V500)
        {
            // MQTT 5: the broker assigns an id and says which in its CONNACK (assigned even to a client refused below, or
            // MQTTnet would answer "client identifier not valid" instead of the reason). 3.1.1 with a clean session got
            // one from ConnectHandshake already.
            e.AssignedClientIdentifier = ConnectHandshake.NewId();
        }

        if (accounts.Authenticate(e.UserName, e.Password) is not { } identity)
        {
            e.ReasonCode = string.IsNullOrEmpty(e.UserName) ? MqttConnectReasonCode.NotAuthorized : MqttConnectReasonCode.BadUserNameOrPassword;
            refusals.Refused(BrokerRefusal.Credentials, e.ClientId, e.UserName, remote, "unknown user or wrong secret / sai tài khoản hoặc mật khẩu");
            return;
        }

        if (!accounts.MayUseClientId(identity, e.ClientId))
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            refusals.Refused(BrokerRefusal.ClientIdReserved, e.ClientId, e.UserName, remote, "client ids iocc-… belong to IocCenter's services / mã client dành cho dịch vụ");
            return;
        }

        if (string.IsNullOrEmpty(e.ClientId) && e.ProtocolVersion != MqttProtocolVersion.V500)
        {
            // 3.1.1 without a clean session: "identifier rejected", as the standard requires [MQTT-3.1.3-8].
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            refusals.Refused(BrokerRefusal.ClientIdEmpty, e.ClientId, e.UserName, remote, "empty client id without a clean session / mã client rỗng với phiên lưu lại");
            return;
        }

        e.SessionItems[IdentityKey] = identity;
        e.SessionItems[RemoteKey] = remote;
        if (e.ChannelAdapter is ConnectHandshake handshake)
        {
            if (identity is DeviceIdentity device)
            {
                // A signed-in device's sessions are under its own id: its id as it is when it sends that or none, else
                // "{its id}/{what it sent}" (device ids have no '/'), so one device can still hold several connections but
                // never another's. A review's device, signed in as itself with another device's id as its client id,
                // took that device's connection over, again and again.
                var own = device.Device.Id;
                if (string.IsNullOrEmpty(e.ClientId) && e.ProtocolVersion == MqttProtocolVersion.V500)
                {
                    e.AssignedClientIdentifier = own; // what its CONNACK tells it
                }

                handshake.UseClientId(string.IsNullOrEmpty(e.ClientId) || e.ClientId == own ? own : $"{own}/{e.ClientId}"); // e.ClientId reads the packet: the scoped id from here on
            }

            // Accepted: MQTTnet registers it next. Not before the credentials, so refused CONNECTs cannot hold up the device.
            await handshake.HoldClientIdAsync(string.IsNullOrEmpty(handshake.ClientId) ? e.AssignedClientIdentifier : handshake.ClientId);
        }
    }

    private Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (e.SessionItems[IdentityKey] is not BrokerIdentity identity || !BrokerAccounts.MayPublish(identity, message.Topic))
        {
            // Dropped, and the publisher is told (MQTT 5: PUBACK "not authorized").
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            refusals.Refused(BrokerRefusal.PublishNotAllowed, e.ClientId, e.UserName, e.SessionItems[RemoteKey] as string, message.Topic);
            return Task.CompletedTask;
        }

        if (message.Retain && !BrokerAccounts.MayRetain(identity, message.Topic, message.Payload))
        {
            // Delivered as a live message (a reading is never lost for a wrong flag), not kept by the broker.
            message.Retain = false;
            refusals.RetainCleared();
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
        refusals.Refused(BrokerRefusal.SubscribeNotAllowed, e.ClientId, e.UserName, e.SessionItems[RemoteKey] as string, e.TopicFilter.Topic);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Máy chủ MQTT nhúng đang nghe / Embedded MQTT broker listening on {Address}:{Port} (packets up to {MaxPacketSize} bytes)")]
    private static partial void LogStarted(ILogger logger, string address, int port, int maxPacketSize);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT TLS đang nghe / Embedded broker TLS listener on {Address}:{Port} with {Certificate}")]
    private static partial void LogTls(ILogger logger, string address, int port, string certificate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker yêu cầu xác thực / The embedded broker requires credentials: {Devices} devices, {Services} service accounts")]
    private static partial void LogAuthenticating(ILogger logger, int devices, int services);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker nhận thiết bị ẩn danh / The embedded broker on {Address}:{Port} accepts anonymous devices (demo mode: they may publish readings and status under ioc/v1/{{domain}}/{{id}}/ and nothing else; anyone on the network can send readings as any device): set Devices:RegistryPath with device secrets for production")]
    private static partial void LogAnonymous(ILogger logger, string address, int port);
}
