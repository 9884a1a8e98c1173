using System.Diagnostics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace IocCenter.DashboardTests;

/// <summary>
/// A thousand hostile clients against the demo's embedded broker (no device registry) while ten devices publish: the
/// readings ingest stores are exactly the devices' — no takeover of ingest's session loses one, nothing forged gets in.
/// </summary>
public sealed class EmbeddedBrokerHostileTests : IAsyncLifetime
{
    private const string IngestClientId = "iocc-ingest-hostile-test";
    private const int Devices = 10, ReadingsEach = 100, Hostile = 1000, Kinds = 5;
    private readonly DashboardProcess _server = new();

    public Task InitializeAsync() => _server.StartAsync("--AllInOne:Simulators=false", $"--Mqtt:ClientId={IngestClientId}");

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task AThousandHostileClients_LeaveIngestStoringExactlyWhatTheDevicesPublished()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var clock = Stopwatch.StartNew();
        var devices = Task.WhenAll(Enumerable.Range(0, Devices).Select(d => PublishReadingsAsync($"legit-{d:D2}", deadline.Token)));

        var outcomes = new int[Kinds];
        using var gate = new SemaphoreSlim(50);
        var hostile = Task.WhenAll(Enumerable.Range(0, Hostile).Select(async n =>
        {
            await gate.WaitAsync(deadline.Token);
            try
            {
                if (await AttackAsync(n, deadline.Token))
                {
                    Interlocked.Increment(ref outcomes[n % Kinds]);
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        await Task.WhenAll(devices, hostile);
        Assert.All(outcomes, refused => Assert.Equal(Hostile / Kinds, refused)); // every attack was refused as it should be

        const int Published = Devices * ReadingsEach;
        await IntegrationTests.Eventually.WaitAsync(() => Task.FromResult(BrokerProbe.StoredRows(_server, "legit-")), n => n >= Published, TimeSpan.FromSeconds(30), "the devices' readings stored");
        Assert.Equal(Published, BrokerProbe.StoredRows(_server, "legit-"));
        Assert.Equal(0, BrokerProbe.StoredRows(_server, "hostile-"));
        Assert.Equal(1, await BrokerProbe.CounterAsync(_server, "ioc_ingest_broker_connects_total")); // never taken over
        Assert.True(await BrokerProbe.CounterReachesAsync(_server, "ioc_broker_refused_total", "reason=\"client_id_reserved\"", Hostile / Kinds));
        Assert.True(await BrokerProbe.CounterReachesAsync(_server, "ioc_broker_refused_total", "reason=\"packet_too_large\"", Hostile / Kinds));
        using var http = new HttpClient { BaseAddress = _server.BaseUrl };
        Assert.True((await http.GetAsync(new Uri("health", UriKind.Relative))).IsSuccessStatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    /// <summary>A device: its readings at QoS1, one at a time, each acknowledged by the broker.</summary>
    private async Task PublishReadingsAsync(string device, CancellationToken cancellation)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(device).Build(), cancellation);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        for (var i = 0; i < ReadingsEach; i++)
        {
            var payload = $$$"""{"ts":{{{start + (i * 1000)}}},"metrics":{"vehicle_count":{{{i}}},"avg_speed_kmh":40.5}}""";
            var result = await client.PublishAsync(Message($"ioc/v1/traffic/{device}/telemetry", payload, retain: false, MqttQualityOfServiceLevel.AtLeastOnce), cancellation);
            Assert.True(result.IsSuccess, $"{device} #{i}: {result.ReasonCode}");
        }

        await client.DisconnectAsync(cancellationToken: cancellation);
    }

    /// <summary>One hostile client, by kind; true when the broker refused it the way it should.</summary>
    private async Task<bool> AttackAsync(int n, CancellationToken cancellation)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var v5 = n % 2 == 0;
        switch (n % Kinds)
        {
            case 0: // read everything, or steal a share of ingest's messages
                await client.ConnectAsync(Options(string.Empty, v5).Build(), cancellation);
                var subscribed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter("#").WithTopicFilter("$share/ingest/ioc/v1/#").WithTopicFilter("ioc/v1/+/+/telemetry").Build(), cancellation);
                return subscribed.Items.All(i => (int)i.ResultCode >= 0x80); // MQTT 5 "not authorized", 3.1.1 "failure"
            case 1: // forge a retained incident, a dead letter, a command
                await client.ConnectAsync(Options("hostile-" + n, v5: true).Build(), cancellation);
                var refused = 0;
                foreach (var topic in new[] { $"ioc/v1/incidents/hostile-{n}", "ioc/v1/deadletter/json_invalid", $"ioc/v1/traffic/legit-00/command" })
                {
                    var forged = await client.PublishAsync(Message(topic, """{"id":"hostile","severity":"critical"}""", retain: true, MqttQualityOfServiceLevel.AtLeastOnce), cancellation);
                    refused += forged.ReasonCode == MqttClientPublishReasonCode.NotAuthorized ? 1 : 0;
                }

                return refused == 3;
            case 2: // a payload over the packet limit, retained
                await client.ConnectAsync(Options(string.Empty, v5).Build(), cancellation);
                try
                {
                    await client.PublishAsync(Message($"ioc/v1/traffic/hostile-{n}/status", new string('x', 300 * 1024), retain: true, MqttQualityOfServiceLevel.AtLeastOnce), cancellation);
                    return false;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
                {
                    return true; // the broker closed the connection
                }

            case 3: // take over ingest's session (its client id is in the log)
                try
                {
                    var connected = await client.ConnectAsync(Options(IngestClientId, v5).Build(), cancellation);
                    return connected.ResultCode is MqttClientConnectResultCode.ClientIdentifierNotValid && !client.IsConnected;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
                {
                    return !client.IsConnected; // refused: "identifier rejected" (3.1.1), "client identifier not valid" (5)
                }

            default: // a device's id taken over is its own business; readings outside a device's topics are not
                await client.ConnectAsync(Options(string.Empty, v5: true).Build(), cancellation);
                var system = await client.PublishAsync(Message($"ioc/v1/system/hostile-{n}/status", "online", retain: true, MqttQualityOfServiceLevel.AtLeastOnce), cancellation);
                var extra = await client.PublishAsync(Message($"ioc/v1/traffic/hostile-{n}/telemetry/extra", """{"metrics":{"vehicle_count":1}}""", retain: false, MqttQualityOfServiceLevel.AtLeastOnce), cancellation);
                return system.ReasonCode == MqttClientPublishReasonCode.NotAuthorized && extra.ReasonCode == MqttClientPublishReasonCode.NotAuthorized;
        }
    }

    private MqttClientOptionsBuilder Options(string clientId, bool v5 = true) => new MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", _server.BrokerPort)
        .WithProtocolVersion(v5 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311)
        .WithClientId(clientId)
        .WithCleanSession(true)
        .WithTimeout(TimeSpan.FromSeconds(10));

    private static MqttApplicationMessage Message(string topic, string payload, bool retain, MqttQualityOfServiceLevel qos) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).WithQualityOfServiceLevel(qos).Build();
}
