using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace IocCenter.Dashboard.Broker;

/// <summary>
/// MQTT 3.1.1 lets a client connect with an empty client id and a clean session, the server assigning one
/// [MQTT-3.1.3-6]; MQTTnet assigns one only over MQTT 5 (<see cref="MQTTnet.Server.ValidatingConnectionEventArgs.AssignedClientIdentifier"/>,
/// which <see cref="EmbeddedBroker"/> sets). This gives the CONNECT of an older client its id before MQTTnet sees it.
/// An empty id with a persistent session stays empty, and MQTTnet refuses it ("identifier rejected"), as 3.1.1 requires.
/// A client without a user name gets a clean session whatever it asked for: anonymous clients may not subscribe, so a
/// kept session would hold nothing for them, and MQTTnet never expires one — a million made-up ids would each leave
/// one behind.
/// Over MQTT 5 the CONNACK announces the listener's packet limit (Maximum Packet Size), which MQTTnet 5.2 leaves out,
/// so a well-behaved client knows it before it sends too much, and no topic aliases (Topic Alias Maximum 0): MQTTnet
/// would keep up to 65,535 aliased topics per connection, each up to a packet's size, resolved before any
/// authorization. A client that sends an alias anyway is disconnected (<paramref name="aliasRefused"/> counts it).
/// A connection holds its client id in <paramref name="gate"/> from CONNECT to CONNACK, and from the moment its client
/// is gone (DISCONNECT, closed, or stopped by the broker while waiting for a packet) until <see cref="Finished"/>, so
/// MQTTnet's clean-up of an old connection never overlaps the registration of a new one with the same id
/// (<see cref="ClientIdGate"/>). Not covered: the broker stopping a connection in the instant a packet arrives.
/// </summary>
internal sealed class ConnectHandshake(IMqttChannelAdapter inner, int maxPacketSize, Action aliasRefused, ClientIdGate gate) : IMqttChannelAdapter
{
    /// <summary>Assigned ids: random, so nobody can aim at one, and outside the services' <c>iocc-</c>.</summary>
    public const string Prefix = "auto-";

    private bool _connected;
    private string? _clientId;
    private IDisposable? _held;
    private bool _ending;

    public long BytesReceived => inner.BytesReceived;

    public long BytesSent => inner.BytesSent;

    public X509Certificate2 ClientCertificate => inner.ClientCertificate;

    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    public bool IsSecureConnection => inner.IsSecureConnection;

    public MqttPacketFormatterAdapter PacketFormatterAdapter => inner.PacketFormatterAdapter;

    public static string NewId() => Prefix + Guid.NewGuid().ToString("N");

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

    public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        if (!_connected)
        {
            return await ReceiveConnectAsync(cancellationToken);
        }

        MqttPacket packet;
        try
        {
            packet = await inner.ReceivePacketAsync(cancellationToken);
        }
        catch
        {
            await EndingAsync();
            throw;
        }

        if (packet is null or MqttDisconnectPacket)
        {
            await EndingAsync();
        }
        else if (packet is MqttPublishPacket { TopicAlias: > 0 })
        {
            aliasRefused();
            throw new MQTTnet.Exceptions.MqttProtocolViolationException("Topic aliases are not accepted (Topic Alias Maximum 0).");
        }

        return packet!;
    }

    private async Task<MqttPacket> ReceiveConnectAsync(CancellationToken cancellationToken)
    {
        var packet = await inner.ReceivePacketAsync(cancellationToken);
        if (packet is MqttConnectPacket connect)
        {
            _connected = true;
            if (string.IsNullOrEmpty(connect.ClientId) && connect.CleanSession && inner.PacketFormatterAdapter.ProtocolVersion != MqttProtocolVersion.V500)
            {
                connect.ClientId = NewId();
            }
            else if (!string.IsNullOrEmpty(connect.ClientId))
            {
                // Ids we assign are unique already; an empty MQTT 5 id gets one from MQTTnet, just as unique.
                _clientId = connect.ClientId;
                _held = await gate.EnterAsync(_clientId);
            }

            if (string.IsNullOrEmpty(connect.Username) && !string.IsNullOrEmpty(connect.ClientId))
            {
                connect.CleanSession = true;
                connect.SessionExpiryInterval = 0;
            }
        }

        return packet!;
    }

    /// <summary>The client is gone: hold its id until MQTTnet has cleaned up after it (<see cref="Finished"/>).</summary>
    private async Task EndingAsync()
    {
        if (_clientId is not null && !_ending)
        {
            _ending = true;
            _held?.Dispose();
            _held = await gate.EnterAsync(_clientId);
        }
    }

    /// <summary>MQTTnet is done with this connection: let the next one with its id in.</summary>
    public void Finished()
    {
        _held?.Dispose();
        _held = null;
    }

    public void ResetStatistics() => inner.ResetStatistics();

    public async Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        if (packet is MqttConnAckPacket connack)
        {
            connack.MaximumPacketSize = (uint)maxPacketSize;
            connack.TopicAliasMaximum = 0;
            try
            {
                await inner.SendPacketAsync(packet, cancellationToken);
            }
            finally
            {
                // Registered (or refused): MQTTnet's client list has this connection now.
                if (!_ending)
                {
                    Finished();
                }
            }

            return;
        }

        await inner.SendPacketAsync(packet, cancellationToken);
    }

    /// <summary>The listener owns and disposes the adapter.</summary>
    public void Dispose()
    {
    }
}
