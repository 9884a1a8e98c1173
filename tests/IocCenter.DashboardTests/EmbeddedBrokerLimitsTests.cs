using System.Net.Sockets;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace IocCenter.DashboardTests;

/// <summary>
/// What one client may cost the embedded broker, against the host as a real process: sockets that never say CONNECT,
/// more connections than an address may hold, topic aliases (each pinned a topic in memory, resolved before any
/// authorization), and topics too long for any device. Found by the independent review of issue 14.
/// </summary>
public sealed class EmbeddedBrokerLimitsTests(EmbeddedBrokerLimitsTests.LimitedHost host) : IClassFixture<EmbeddedBrokerLimitsTests.LimitedHost>
{
    private int Port => host.Server.BrokerPort;

    [Fact]
    public async Task ASocketThatNeverSendsConnect_IsClosedAfterTheConnectTimeout()
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", Port);
        var started = DateTime.UtcNow;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await socket.GetStream().ReadAsync(new byte[16], deadline.Token); // 0: the broker closed it
        Assert.Equal(0, read);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(25)); // BrokerConnectTimeout is 2 s here
    }

    [Fact]
    public async Task AnAddress_HoldsAtMostItsConnections_AndGetsOneBackWhenOneCloses()
    {
        var clients = new List<IMqttClient>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var client = new MqttClientFactory().CreateMqttClient();
                clients.Add(client);
                Assert.Equal(MqttClientConnectResultCode.Success, (await client.ConnectAsync(Options())).ResultCode);
            }

            using var sixth = new MqttClientFactory().CreateMqttClient();
            await Assert.ThrowsAnyAsync<Exception>(() => sixth.ConnectAsync(Options()));

            await clients[0].DisconnectAsync();
            await IntegrationTests.Eventually.WaitAsync(
                async () =>
                {
                    using var again = new MqttClientFactory().CreateMqttClient();
                    try
                    {
                        var connected = (await again.ConnectAsync(Options())).ResultCode == MqttClientConnectResultCode.Success;
                        await again.DisconnectAsync();
                        return connected;
                    }
                    catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
                    {
                        return false;
                    }
                },
                connected => connected,
                TimeSpan.FromSeconds(15),
                "a connection once one of the five closed");
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task TopicAliases_TheConnackSaysNone_AndAClientSendingOneAnywayIsDisconnected()
    {
        using (var client = new MqttClientFactory().CreateMqttClient())
        {
            var result = await client.ConnectAsync(Options());
            Assert.Equal(0, result.TopicAliasMaximum);
            await client.DisconnectAsync();
        }

        // Raw MQTT 5: CONNECT (empty id, clean start), then a PUBLISH carrying Topic Alias 1 (property 0x23).
        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(new byte[] { 0x10, 13, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 5, 0x02, 0, 60, 0, 0, 0 });
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var head = new byte[2];
        await stream.ReadExactlyAsync(head, deadline.Token);
        Assert.Equal(0x20, head[0]);
        await stream.ReadExactlyAsync(new byte[head[1]], deadline.Token);
        var topic = "ioc/v1/traffic/alias-1/telemetry"u8.ToArray();
        var publish = new List<byte> { 0x30, (byte)(2 + topic.Length + 4 + 2), 0, (byte)topic.Length };
        publish.AddRange(topic);
        publish.AddRange([3, 0x23, 0, 1, (byte)'{', (byte)'}']);
        await stream.WriteAsync(publish.ToArray());
        var buffer = new byte[64];
        int read;
        do
        {
            read = await stream.ReadAsync(buffer, deadline.Token); // a DISCONNECT perhaps, then the end of the stream
        }
        while (read > 0);
    }

    [Fact]
    public async Task ATopicLongerThanAnyDevicesCouldBe_IsRefusedByTheBroker()
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options());
        var tooLong = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("ioc/v1/traffic/" + new string('x', 60_000) + "/telemetry")
            .WithPayload("""{"metrics":{"vehicle_count":1}}""").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, tooLong.ReasonCode);

        // A bad id of ordinary length still reaches ingest, which dead-letters it with its reason.
        var badId = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("ioc/v1/traffic/" + new string('x', 80) + "/telemetry")
            .WithPayload("""{"metrics":{"vehicle_count":1}}""").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientPublishReasonCode.Success, badId.ReasonCode);
        await client.DisconnectAsync();
    }

    /// <summary>From 127.0.0.2: another address than the services' 127.0.0.1, which has no per-address cap.</summary>
    private MqttClientOptions Options()
    {
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Port)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId(string.Empty).WithTimeout(TimeSpan.FromSeconds(5)).Build();
        ((MqttClientTcpOptions)options.ChannelOptions).LocalEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("127.0.0.2"), 0);
        return options;
    }

    public sealed class LimitedHost : IAsyncLifetime
    {
        public DashboardProcess Server { get; } = new();

        public Task InitializeAsync() => Server.StartAsync(
            "--AllInOne:Simulators=false", "--AllInOne:BrokerMaxConnectionsPerAddress=5", "--AllInOne:BrokerConnectTimeout=00:00:02");

        public Task DisposeAsync() => Server.DisposeAsync();
    }
}
