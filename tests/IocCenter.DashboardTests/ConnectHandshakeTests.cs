using FsCheck;
using FsCheck.Fluent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using IocCenter.Dashboard.Broker;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace IocCenter.DashboardTests;

/// <summary>
/// When a connection holds its client id (<see cref="ClientIdGate"/>): from the broker's acceptance to its CONNACK, and
/// from every way its client can be gone until the listener says MQTTnet is done — on a scripted adapter, so each way is
/// exact. (The race itself, against the real broker: EmbeddedBrokerDemoTests.)
/// </summary>
public sealed class ConnectHandshakeTests
{
    private readonly ClientIdGate _gate = new(TimeSpan.FromSeconds(30), TimeProvider.System);

    public static TheoryData<string> Endings => ["closed", "disconnect", "second connect", "pingresp", "receive throws", "stopped while a packet came", "topic alias"];

    [Theory]
    [MemberData(nameof(Endings))]
    public async Task EveryWayTheClientIsGone_HoldsTheIdUntilFinished(string ending)
    {
        using var stop = new CancellationTokenSource();
        MqttPacket? last = ending switch
        {
            "closed" => null,
            "disconnect" => new MqttDisconnectPacket(),
            "second connect" => Connect("dev-1"),
            "pingresp" => MqttPingRespPacket.Instance,
            "topic alias" => new MqttPublishPacket { Topic = "", TopicAlias = 3 },
            _ => new MqttPingReqPacket(),
        };
        var adapter = new ScriptedAdapter(Connect("dev-1"), new MqttPingReqPacket(), last)
        {
            ThrowOnLast = ending == "receive throws",
            OnLast = ending == "stopped while a packet came" ? stop.Cancel : null,
        };
        var handshake = await ConnectedAsync(adapter, "dev-1");
        await handshake.ReceivePacketAsync(stop.Token); // PINGREQ: an ordinary packet, the id is free
        (await _gate.EnterAsync("dev-1").WaitAsync(TimeSpan.FromSeconds(5))).Dispose();

        try
        {
            await handshake.ReceivePacketAsync(stop.Token);
        }
        catch (Exception e) when (e is IOException or MQTTnet.Exceptions.MqttProtocolViolationException)
        {
            // what MQTTnet sees for "receive throws" and "topic alias"
        }

        var next = _gate.EnterAsync("dev-1");
        Assert.False(next.IsCompleted, $"{ending}: the id must stay held while MQTTnet cleans up");
        handshake.Finished();
        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal(0, _gate.Count);
    }

    [Fact]
    public async Task ACONNACKThatCouldNotBeSent_KeepsTheIdUntilFinished_ASentOneLetsItGo()
    {
        var failing = new ConnectHandshake(new ScriptedAdapter(Connect("dev-2")) { FailConnack = true }, 65536, () => { }, _gate, () => { }, TimeProvider.System);
        await failing.ReceivePacketAsync(CancellationToken.None);
        await failing.HoldClientIdAsync("dev-2");
        await Assert.ThrowsAsync<IOException>(() => failing.SendPacketAsync(new MqttConnAckPacket(), CancellationToken.None));
        var next = _gate.EnterAsync("dev-2");
        Assert.False(next.IsCompleted);
        failing.Finished();
        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();

        await ConnectedAsync(new ScriptedAdapter(Connect("dev-2")), "dev-2");
        var free = _gate.EnterAsync("dev-2");
        Assert.True(free.IsCompletedSuccessfully); // free as soon as the CONNACK is out
        (await free).Dispose();
        Assert.Equal(0, _gate.Count);
    }

    [Fact]
    public async Task ARefusedConnect_NeverHoldsTheId_NorDoesAnIdTheBrokerAssigned()
    {
        using var held = await _gate.EnterAsync("dev-3"); // a connection of the real device, being registered

        // Refused at its credentials: the broker never calls HoldClientIdAsync; the CONNACK (refusal) goes out at once.
        var refused = new ConnectHandshake(new ScriptedAdapter(Connect("dev-3")), 65536, () => { }, _gate, () => { }, TimeProvider.System);
        await refused.ReceivePacketAsync(CancellationToken.None);
        await refused.SendPacketAsync(new MqttConnAckPacket { ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.BadUserNameOrPassword }, CancellationToken.None);
        refused.Finished();

        // No id, clean session, MQTT 3.1.1: the handshake assigns one, unique, and never waits for it.
        var anonymous = new ConnectHandshake(new ScriptedAdapter(Connect(string.Empty)), 65536, () => { }, _gate, () => { }, TimeProvider.System);
        var connect = (MqttConnectPacket)await anonymous.ReceivePacketAsync(CancellationToken.None);
        Assert.StartsWith(ConnectHandshake.Prefix, connect.ClientId, StringComparison.Ordinal);
        await anonymous.HoldClientIdAsync(connect.ClientId).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, _gate.Count); // only dev-3's own holder
    }

    [Fact]
    public async Task AClientOwedTooMuch_IsNotReadUntilTheAnswersAreWritten_AndClosedOnlyIfTheyStayUnread()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var limit = ConnectHandshake.MaxUnanswered;
        var packets = Enumerable.Repeat<MqttPacket?>(new MqttPingReqPacket(), limit + 2).Prepend(Connect("dev-4")).ToArray();
        var refused = 0;
        var handshake = new ConnectHandshake(new ScriptedAdapter(packets), 65536, () => { }, _gate, () => refused++, time);
        await handshake.ReceivePacketAsync(CancellationToken.None);
        await handshake.HoldClientIdAsync("dev-4");
        await handshake.SendPacketAsync(new MqttConnAckPacket(), CancellationToken.None);
        for (var i = 0; i < limit; i++)
        {
            await handshake.ReceivePacketAsync(CancellationToken.None); // none answered yet: a burst
        }

        // A client that reads: the next packet waits until an answer is written, then goes on.
        var next = handshake.ReceivePacketAsync(CancellationToken.None);
        Assert.False(next.IsCompleted);
        time.Advance(ConnectHandshake.DrainTimeout - TimeSpan.FromSeconds(1));
        Assert.False(next.IsCompleted);
        await handshake.SendPacketAsync(MqttPingRespPacket.Instance, CancellationToken.None);
        Assert.IsType<MqttPingReqPacket>(await next.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, refused);

        // A client that does not: closed once the answers have stayed unread for the whole timeout.
        var last = handshake.ReceivePacketAsync(CancellationToken.None);
        time.Advance(ConnectHandshake.DrainTimeout - TimeSpan.FromSeconds(1));
        Assert.False(last.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<MQTTnet.Exceptions.MqttProtocolViolationException>(() => last.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, refused);
        Assert.False(_gate.EnterAsync("dev-4").IsCompleted); // held while MQTTnet cleans up, as for any ending
        handshake.Finished();
    }

    [Fact]
    public async Task ABrokerStopWhileAClientIsHeld_EndsTheWaitAndHoldsTheIdForTheCleanUp()
    {
        var packets = Enumerable.Repeat<MqttPacket?>(new MqttPingReqPacket(), ConnectHandshake.MaxUnanswered + 1).Prepend(Connect("dev-6")).ToArray();
        var handshake = new ConnectHandshake(new ScriptedAdapter(packets), 65536, () => { }, _gate, () => { }, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        await handshake.ReceivePacketAsync(CancellationToken.None);
        await handshake.HoldClientIdAsync("dev-6");
        await handshake.SendPacketAsync(new MqttConnAckPacket(), CancellationToken.None);
        for (var i = 0; i < ConnectHandshake.MaxUnanswered; i++)
        {
            await handshake.ReceivePacketAsync(CancellationToken.None);
        }

        using var stop = new CancellationTokenSource();
        var held = handshake.ReceivePacketAsync(stop.Token);
        Assert.False(held.IsCompleted);
        await stop.CancelAsync(); // a takeover, or the broker stopping
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(_gate.EnterAsync("dev-6").IsCompleted);
        handshake.Finished();
    }

    [Fact]
    public async Task WhatIsOwed_IsCountedByTopicFilter_AndPaidBackByReasonCode_QoS2AndSubscriptionsBalance()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var bigSubscribe = new MqttSubscribePacket { PacketIdentifier = 1 };
        bigSubscribe.TopicFilters.AddRange(Enumerable.Range(0, ConnectHandshake.MaxUnanswered + 5).Select(i => new MQTTnet.Packets.MqttTopicFilter { Topic = "t/" + i }));
        var handshake = new ConnectHandshake(
            new ScriptedAdapter(Connect("dev-5"), new MqttPublishPacket { Topic = "a", QualityOfServiceLevel = MQTTnet.Protocol.MqttQualityOfServiceLevel.ExactlyOnce, PacketIdentifier = 2 },
                new MqttPubRelPacket { PacketIdentifier = 2 }, bigSubscribe, new MqttPingReqPacket(), new MqttPingReqPacket()),
            65536, () => { }, _gate, () => { }, time);
        await handshake.ReceivePacketAsync(CancellationToken.None);
        await handshake.SendPacketAsync(new MqttConnAckPacket(), CancellationToken.None);

        await handshake.ReceivePacketAsync(CancellationToken.None); // QoS 2 PUBLISH: owed a PUBREC
        await handshake.SendPacketAsync(new MqttPubRecPacket { PacketIdentifier = 2 }, CancellationToken.None);
        await handshake.ReceivePacketAsync(CancellationToken.None); // PUBREL: owed a PUBCOMP
        await handshake.SendPacketAsync(new MqttPubCompPacket { PacketIdentifier = 2 }, CancellationToken.None);

        // One SUBSCRIBE of more filters than the limit passes (nothing was owed before it) and owes one code a filter.
        Assert.IsType<MqttSubscribePacket>(await handshake.ReceivePacketAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));
        var ping = handshake.ReceivePacketAsync(CancellationToken.None);
        Assert.False(ping.IsCompleted); // ...so the next packet waits for the SUBACK
        await handshake.SendPacketAsync(new MqttSubAckPacket { PacketIdentifier = 1, ReasonCodes = [.. Enumerable.Repeat(MQTTnet.Protocol.MqttSubscribeReasonCode.NotAuthorized, bigSubscribe.TopicFilters.Count)] }, CancellationToken.None);
        await ping.WaitAsync(TimeSpan.FromSeconds(5));
        await handshake.SendPacketAsync(MqttPingRespPacket.Instance, CancellationToken.None);

        // All paid back: the next one passes at once.
        Assert.True(handshake.ReceivePacketAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    /// <summary>
    /// Property: whatever a client sends (any mix of PINGREQ, PUBLISH at QoS 0–2, PUBREL, client PUBACKs, SUBSCRIBE and
    /// UNSUBSCRIBE of 1 to 100,000 filters), if each answer is written as MQTTnet makes it, no packet is ever held and
    /// nothing stays owed: the limit only ever holds a client that does not read.
    /// </summary>
    [Fact]
    public void AClientThatIsAnswered_IsNeverHeld_WhateverItSends()
    {
        var packet = Gen.OneOf(
            Gen.Constant<MqttPacket>(new MqttPingReqPacket()),
            Gen.Choose(0, 2).Select(q => (MqttPacket)new MqttPublishPacket { Topic = "a", QualityOfServiceLevel = (MQTTnet.Protocol.MqttQualityOfServiceLevel)q, PacketIdentifier = 1 }),
            Gen.Constant<MqttPacket>(new MqttPubRelPacket { PacketIdentifier = 1 }),
            Gen.Constant<MqttPacket>(new MqttPubAckPacket { PacketIdentifier = 1 }),
            Gen.Choose(1, 100_000).Select(n => (MqttPacket)Subscribe(n)),
            Gen.Choose(1, 100_000).Select(n => (MqttPacket)Unsubscribe(n)));
        Prop.ForAll(packet.ArrayOf().ToArbitrary(), sent =>
        {
            var handshake = new ConnectHandshake(new ScriptedAdapter([Connect("dev-p"), .. sent, new MqttPingReqPacket()]), 65536, () => { }, _gate, () => { }, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
            handshake.ReceivePacketAsync(CancellationToken.None).GetAwaiter().GetResult();
            handshake.SendPacketAsync(new MqttConnAckPacket(), CancellationToken.None).GetAwaiter().GetResult();
            for (var i = 0; i <= sent.Length; i++)
            {
                var received = handshake.ReceivePacketAsync(CancellationToken.None);
                if (!received.IsCompletedSuccessfully)
                {
                    return false; // held
                }

                if (Answer(received.Result) is { } answer)
                {
                    handshake.SendPacketAsync(answer, CancellationToken.None).GetAwaiter().GetResult();
                }
            }

            handshake.Finished();
            return true;
        }).QuickCheckThrowOnFailure();
    }

    private static MqttSubscribePacket Subscribe(int filters)
    {
        var subscribe = new MqttSubscribePacket { PacketIdentifier = 1 };
        subscribe.TopicFilters.AddRange(Enumerable.Range(0, filters).Select(_ => new MQTTnet.Packets.MqttTopicFilter { Topic = "a" }));
        return subscribe;
    }

    private static MqttUnsubscribePacket Unsubscribe(int filters)
    {
        var unsubscribe = new MqttUnsubscribePacket { PacketIdentifier = 1 };
        unsubscribe.TopicFilters.AddRange(Enumerable.Repeat("a", filters));
        return unsubscribe;
    }

    /// <summary>What MQTTnet answers a client's packet with (one reason code per filter, as its factories make them).</summary>
    private static MqttPacket? Answer(MqttPacket packet) => packet switch
    {
        MqttPingReqPacket => MqttPingRespPacket.Instance,
        MqttPublishPacket { QualityOfServiceLevel: MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce } => new MqttPubAckPacket { PacketIdentifier = 1 },
        MqttPublishPacket { QualityOfServiceLevel: MQTTnet.Protocol.MqttQualityOfServiceLevel.ExactlyOnce } => new MqttPubRecPacket { PacketIdentifier = 1 },
        MqttPubRelPacket => new MqttPubCompPacket { PacketIdentifier = 1 },
        MqttSubscribePacket subscribe => new MqttSubAckPacket { PacketIdentifier = 1, ReasonCodes = [.. Enumerable.Repeat(MQTTnet.Protocol.MqttSubscribeReasonCode.NotAuthorized, subscribe.TopicFilters.Count)] },
        MqttUnsubscribePacket unsubscribe => new MqttUnsubAckPacket { PacketIdentifier = 1, ReasonCodes = [.. Enumerable.Repeat(MQTTnet.Protocol.MqttUnsubscribeReasonCode.Success, unsubscribe.TopicFilters.Count)] },
        _ => null,
    };

    private static MqttConnectPacket Connect(string id) => new() { ClientId = id, CleanSession = true };

    private async Task<ConnectHandshake> ConnectedAsync(ScriptedAdapter adapter, string clientId)
    {
        var handshake = new ConnectHandshake(adapter, 65536, () => { }, _gate, () => { }, TimeProvider.System);
        await handshake.ReceivePacketAsync(CancellationToken.None);
        await handshake.HoldClientIdAsync(clientId);
        var waiter = _gate.EnterAsync(clientId);
        Assert.False(waiter.IsCompleted); // held from acceptance ...
        await handshake.SendPacketAsync(new MqttConnAckPacket(), CancellationToken.None);
        (await waiter.WaitAsync(TimeSpan.FromSeconds(5))).Dispose(); // ... to the CONNACK
        return handshake;
    }

    /// <summary>Hands out the given packets in order; the last one can instead throw, or stop the connection as it is handed out.</summary>
    private sealed class ScriptedAdapter(params MqttPacket?[] incoming) : IMqttChannelAdapter
    {
        private readonly Queue<MqttPacket?> _incoming = new(incoming);

        public bool FailConnack { get; init; }

        public bool ThrowOnLast { get; init; }

        public Action? OnLast { get; init; }

        public long BytesReceived => 0;

        public long BytesSent => 0;

        public X509Certificate2 ClientCertificate => null!;

        public EndPoint RemoteEndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 50000);

        public EndPoint LocalEndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 1883);

        public bool IsSecureConnection => false;

        public MqttPacketFormatterAdapter PacketFormatterAdapter { get; } = new(MqttProtocolVersion.V311, new MqttBufferWriter(4096, 65536));

        public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
        {
            var packet = _incoming.Dequeue();
            if (_incoming.Count == 0)
            {
                if (ThrowOnLast)
                {
                    throw new IOException("connection reset");
                }

                OnLast?.Invoke();
            }

            return Task.FromResult(packet!);
        }

        public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken) =>
            FailConnack && packet is MqttConnAckPacket ? throw new IOException("connection reset") : Task.CompletedTask;

        public void ResetStatistics()
        {
        }

        public void Dispose()
        {
        }
    }
}
