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
/// </summary>
internal sealed class ConnectHandshake(IMqttChannelAdapter inner, int maxPacketSize, Action aliasRefused) : IMqttChannelAdapter
{
    /// <summary>Assigned ids: random, so nobody can aim at one, and outside the services' <c>iocc-</c>.</summary>
    public const string Prefix = "auto-";

    private bool _connected;

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
        var packet = await inner.ReceivePacketAsync(cancellationToken);
        if (packet is MqttPublishPacket { TopicAlias: > 0 })
        {
            aliasRefused();
            throw new MQTTnet.Exceptions.MqttProtocolViolationException("Topic aliases are not accepted (Topic Alias Maximum 0).");
        }
        if (!_connected && packet is MqttConnectPacket connect)
        {
            _connected = true;
            if (string.IsNullOrEmpty(connect.ClientId) && connect.CleanSession && inner.PacketFormatterAdapter.ProtocolVersion != MqttProtocolVersion.V500)
            {
                connect.ClientId = NewId();
            }

            if (string.IsNullOrEmpty(connect.Username) && !string.IsNullOrEmpty(connect.ClientId))
            {
                connect.CleanSession = true;
                connect.SessionExpiryInterval = 0;
            }
        }

        return packet;
    }

    public void ResetStatistics() => inner.ResetStatistics();

    public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        if (packet is MqttConnAckPacket connack)
        {
            connack.MaximumPacketSize = (uint)maxPacketSize;
            connack.TopicAliasMaximum = 0;
        }

        return inner.SendPacketAsync(packet, cancellationToken);
    }

    /// <summary>The listener owns and disposes the adapter.</summary>
    public void Dispose()
    {
    }
}
