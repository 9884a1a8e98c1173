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
/// authorization. A client that sends an alias anyway is disconnected (<paramref name="aliasRefused"/> counts it), and so
/// is one that leaves <see cref="MaxUnanswered"/> answers unread for <see cref="DrainTimeout"/> (it does not read;
/// <paramref name="notReading"/> counts it); below that, a client that is owed too much is simply not read until it is.
/// A connection holds its client id in <paramref name="gate"/> from the moment the broker has accepted its credentials
/// (<see cref="HoldClientIdAsync"/>, called by <see cref="EmbeddedBroker"/>) until its CONNACK is out, and from the
/// moment its client is gone (DISCONNECT, closed, a packet MQTTnet will refuse, stopped while waiting for a packet, a
/// CONNACK that could not be sent) until <see cref="Finished"/>, so MQTTnet's clean-up of an old connection never
/// overlaps the registration of a new one with the same id (<see cref="ClientIdGate"/>). A connection refused at
/// CONNECT never holds the id, so a flood of them cannot hold up the device. Not covered: the broker stopping a
/// connection while it handles a packet (MQTTnet then ends it without asking for the next one).
/// </summary>
internal sealed class ConnectHandshake(IMqttChannelAdapter inner, int maxPacketSize, Action aliasRefused, ClientIdGate gate, Action notReading, TimeProvider time) : IMqttChannelAdapter
{
    /// <summary>
    /// Answers (PINGRESP, PUBACK, one reason code a SUBACK, …) the broker may owe a client before it stops reading from
    /// it. MQTTnet queues its answers without a bound, so a client that sent PINGREQs and read none made the broker grow
    /// by 1.4 GB in 20 s, and one whose 240 KB SUBSCRIBEs each owed 60,000 reason codes by 720 MB (two independent
    /// reviews). Past this the connection is not read until the answers are written (the client's own sends back up, as
    /// TCP makes them): a client that reads and bursts (QoS 2 with 65,535 in flight, pipelined PINGREQs) only waits.
    /// </summary>
    public const int MaxUnanswered = 10_000;

    /// <summary>How long a client may leave <see cref="MaxUnanswered"/> answers unread before it is closed as not reading.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private TaskCompletionSource? _drained;
    private long _unanswered;

    /// <summary>Assigned ids: random, so nobody can aim at one, and outside the services' <c>iocc-</c>.</summary>
    public const string Prefix = "auto-";

    private bool _connected;
    private MqttConnectPacket? _connect;
    private bool _assignedId;
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

        if (packet is MqttPublishPacket { TopicAlias: > 0 })
        {
            await EndingAsync();
            aliasRefused();
            throw new MQTTnet.Exceptions.MqttProtocolViolationException("Topic aliases are not accepted (Topic Alias Maximum 0).");
        }

        // Owed before this packet: a packet is passed on once what came before it has been answered down to the limit
        // (so one SUBSCRIBE of many filters waits only for the answers before it, not for its own).
        var owed = packet is null ? 0 : Owed(packet);
        if (owed > 0)
        {
            if (Volatile.Read(ref _unanswered) >= MaxUnanswered)
            {
                await AnswersWrittenAsync(cancellationToken);
            }

            Interlocked.Add(ref _unanswered, owed);
        }

        // What MQTTnet ends the connection on: nothing (closed), DISCONNECT, any packet a client may not send once
        // connected (a second CONNECT, a PINGRESP, …), or a stop asked for while this packet was on its way.
        if (!ClientMaySend(packet) || cancellationToken.IsCancellationRequested)
        {
            await EndingAsync();
        }

        return packet!;
    }

    /// <summary>What the broker owes for a packet from the client: one answer, or one reason code a topic filter.</summary>
    private static int Owed(MqttPacket packet) => packet switch
    {
        MqttPingReqPacket or MqttPubRelPacket => 1,
        MqttPublishPacket { QualityOfServiceLevel: > MQTTnet.Protocol.MqttQualityOfServiceLevel.AtMostOnce } => 1,
        MqttSubscribePacket subscribe => Math.Max(1, subscribe.TopicFilters.Count),
        MqttUnsubscribePacket unsubscribe => Math.Max(1, unsubscribe.TopicFilters.Count),
        _ => 0,
    };

    /// <summary>What an answer from the broker pays back (MQTTnet gives a SUBACK and an UNSUBACK one reason code a filter, in either version).</summary>
    private static int Paid(MqttPacket packet) => packet switch
    {
        MqttPingRespPacket or MqttPubAckPacket or MqttPubRecPacket or MqttPubCompPacket => 1,
        MqttSubAckPacket subAck => Math.Max(1, subAck.ReasonCodes?.Count ?? 0),
        MqttUnsubAckPacket unsubAck => Math.Max(1, unsubAck.ReasonCodes?.Count ?? 0),
        _ => 0,
    };

    /// <summary>Holds this connection's reading until what it is owed is written below the limit; closes it if that takes <see cref="DrainTimeout"/>.</summary>
    private async Task AnswersWrittenAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (Volatile.Read(ref _unanswered) >= MaxUnanswered)
        {
            var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _drained, drained);
            if (Volatile.Read(ref _unanswered) < MaxUnanswered)
            {
                break; // written meanwhile
            }

            var left = DrainTimeout - time.GetElapsedTime(started);
            try
            {
                await drained.Task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await EndingAsync(); // stopped by the broker while it waited
                throw;
            }
            catch (TimeoutException)
            {
                await EndingAsync();
                notReading();
                throw new MQTTnet.Exceptions.MqttProtocolViolationException($"{MaxUnanswered} answers left unread for {DrainTimeout.TotalSeconds:0} s.");
            }
        }
    }

    private static bool ClientMaySend(MqttPacket? packet) => packet is MqttPublishPacket or MqttPubAckPacket or MqttPubRecPacket or MqttPubRelPacket
        or MqttPubCompPacket or MqttSubscribePacket or MqttUnsubscribePacket or MqttPingReqPacket;

    private async Task<MqttPacket> ReceiveConnectAsync(CancellationToken cancellationToken)
    {
        var packet = await inner.ReceivePacketAsync(cancellationToken);
        if (packet is MqttConnectPacket connect)
        {
            _connected = true;
            _connect = connect;
            if (string.IsNullOrEmpty(connect.ClientId) && connect.CleanSession && inner.PacketFormatterAdapter.ProtocolVersion != MqttProtocolVersion.V500)
            {
                connect.ClientId = NewId();
                _assignedId = true;
            }

            if (string.IsNullOrEmpty(connect.Username) && !string.IsNullOrEmpty(connect.ClientId))
            {
                connect.CleanSession = true;
                connect.SessionExpiryInterval = 0;
            }
        }

        return packet!;
    }

    /// <summary>The client id MQTTnet will register this connection under (empty for an MQTT 5 client that sent none).</summary>
    public string? ClientId => _connect?.ClientId;

    /// <summary>
    /// Registers this connection under <paramref name="clientId"/> instead of the one it sent (before MQTTnet reads it
    /// from the CONNECT packet, which it does after the broker's validation): a signed-in device's own id, as mosquitto's
    /// <c>use_username_as_clientid</c>, so that no device can take over another's session with its client id.
    /// </summary>
    public void UseClientId(string clientId)
    {
        if (_connect is not null)
        {
            _connect.ClientId = clientId;
            _assignedId = false;
        }
    }

    /// <summary>
    /// The broker accepts this connection as <paramref name="clientId"/>: wait until no other connection is being
    /// registered or cleaned up under that id, and hold it until the CONNACK is out. An id this handshake assigned to an
    /// MQTT 3.1.1 client is unique and never told to the client, so nobody comes back with it; the one assigned to an
    /// MQTT 5 client is told in its CONNACK and may come back (<see cref="EmbeddedBroker"/> passes it here).
    /// </summary>
    public async Task HoldClientIdAsync(string clientId)
    {
        if (_assignedId || string.IsNullOrEmpty(clientId) || _held is not null)
        {
            return;
        }

        _clientId = clientId;
        _held = await gate.EnterAsync(clientId);
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
            catch
            {
                // MQTTnet cleans up after a registered connection whose CONNACK could not go out: keep the id until it is done.
                _ending = true;
                throw;
            }

            // Registered (or refused): MQTTnet's client list has this connection now.
            Finished();
            return;
        }

        await inner.SendPacketAsync(packet, cancellationToken);
        if (Paid(packet) is > 0 and var paid && Interlocked.Add(ref _unanswered, -paid) < MaxUnanswered)
        {
            Volatile.Read(ref _drained)?.TrySetResult();
        }
    }

    /// <summary>The listener owns and disposes the adapter.</summary>
    public void Dispose()
    {
    }
}
