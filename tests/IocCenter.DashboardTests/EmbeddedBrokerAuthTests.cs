using System.Text.Json;
using IocCenter.Devices;
using IocCenter.Telemetry;
using IocCenter.TestShared;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.DashboardTests;

/// <summary>
/// The all-in-one host with a device registry holding device secrets: its embedded MQTTnet broker lets each device in
/// with its own secret only, keeps it to its own topics, on the plain and the TLS listener; its own ingest still works.
/// </summary>
public sealed class EmbeddedBrokerAuthTests : IAsyncLifetime
{
    private readonly DashboardProcess _server = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("iocc-auth-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ADeviceUsingAnotherDevicesIdAsItsClientId_DoesNotTakeItsConnectionOver()
    {
        var victim = new TestDevice("trf-kick-001", "traffic", DeviceSecrets.Generate());
        var rogue = new TestDevice("trf-kick-002", "traffic", DeviceSecrets.Generate());
        var registry = Path.Combine(_folder, "devices.json");
        DeviceDirectory.Save(registry,
        [
            new DeviceRecord(victim.Id, TelemetryDomain.Traffic, "29905", SecretHash: DeviceSecrets.Hash(victim.Secret)),
            new DeviceRecord(rogue.Id, TelemetryDomain.Traffic, "29905", SecretHash: DeviceSecrets.Hash(rogue.Secret)),
        ]);
        await _server.StartAsync($"--Devices:RegistryPath={registry}", "--AllInOne:Simulators=false");
        var broker = new Uri($"mqtt://127.0.0.1:{_server.BrokerPort}");

        using var connected = await BrokerAccessChecks.ConnectAsync(broker, victim.Id, victim.Id, victim.Secret);
        var kicked = new TaskCompletionSource<MqttClientDisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        connected.DisconnectedAsync += e =>
        {
            kicked.TrySetResult(e.Reason);
            return Task.CompletedTask;
        };

        // Signed in with its own secret, asking for the other device's id as its client id, three times over.
        for (var i = 0; i < 3; i++)
        {
            using var other = await BrokerAccessChecks.ConnectAsync(broker, victim.Id, rogue.Id, rogue.Secret);
            var own = await other.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(rogue.Telemetry)
                .WithPayload($$$"""{"metrics":{"vehicle_count":{{{i}}}}}""").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.True(own.IsSuccess, own.ReasonCode.ToString());
            await other.DisconnectAsync();
        }

        var stillThere = await connected.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(victim.Telemetry)
            .WithPayload("""{"metrics":{"vehicle_count":5}}""").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(stillThere.IsSuccess, stillThere.ReasonCode.ToString());
        Assert.False(kicked.Task.IsCompleted, "the device's own connection was closed");
        Assert.True(connected.IsConnected);

        // One device may still hold several connections (a field script beside its firmware), under client ids of its own.
        using (var script = await BrokerAccessChecks.ConnectAsync(broker, "field-script", victim.Id, victim.Secret))
        using (var firmware = await BrokerAccessChecks.ConnectAsync(broker, "firmware", victim.Id, victim.Secret))
        {
            foreach (var client in new[] { script, firmware, connected })
            {
                var sent = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(victim.Telemetry)
                    .WithPayload("""{"metrics":{"vehicle_count":6}}""").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                Assert.True(sent.IsSuccess, sent.ReasonCode.ToString());
            }
        }

        Assert.False(kicked.Task.IsCompleted, "the device's own connection was closed by its second and third");

        // An MQTT 5 device that sends no client id is told the one its session has: its own id.
        using var anonymousId = new MqttClientFactory().CreateMqttClient();
        var result = await anonymousId.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _server.BrokerPort)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithClientId(string.Empty).WithCredentials(rogue.Id, rogue.Secret).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.Equal(rogue.Id, result.AssignedClientIdentifier);
        await anonymousId.DisconnectAsync();
    }

    [Fact]
    public async Task DevicesSignInWithTheirOwnSecrets_PublishOnlyUnderTheirOwnTopics_OnThePlainAndTheTlsListener()
    {
        var device = new TestDevice("trf-auth-001", "traffic", DeviceSecrets.Generate());
        var other = new TestDevice("env-auth-002", "environment", DeviceSecrets.Generate());
        var observer = ("iocc-observer", DeviceSecrets.Generate());
        var registry = Path.Combine(_folder, "devices.json");
        DeviceDirectory.Save(registry,
        [
            new DeviceRecord(device.Id, TelemetryDomain.Traffic, "29905", "Nút giao thử nghiệm", SecretHash: DeviceSecrets.Hash(device.Secret)),
            new DeviceRecord(other.Id, TelemetryDomain.Environment, "29869", SecretHash: DeviceSecrets.Hash(other.Secret)),
        ]);
        var certificate = TestCertificate.Create(Path.Combine(_folder, "certs"));
        var tlsPort = TestSupport.FreePort();
        await _server.StartAsync(
            $"--Devices:RegistryPath={registry}", "--AllInOne:Simulators=false",
            "--AllInOne:BrokerServices:0:Username=iocc-observer", $"--AllInOne:BrokerServices:0:SecretHash={DeviceSecrets.Hash(observer.Item2)}",
            $"--AllInOne:BrokerTlsCertificatePath={certificate.CertificatePath}", $"--AllInOne:BrokerTlsKeyPath={certificate.KeyPath}", $"--AllInOne:BrokerTlsPort={tlsPort}");

        await BrokerAccessChecks.VerifyAsync(new Uri($"mqtt://127.0.0.1:{_server.BrokerPort}"), device, other, observer);
        await BrokerAccessChecks.VerifyAsync(new Uri($"mqtts://127.0.0.1:{tlsPort}"), device, other, observer, certificate.Trust);

        // The host's own ingest signs in with its own account: a reading the device sends over TLS reaches the screens.
        using (var client = await BrokerAccessChecks.ConnectAsync(new Uri($"mqtts://127.0.0.1:{tlsPort}"), device.Id, device.Id, device.Secret, certificate.Trust))
        {
            var reading = $$$"""{"ts":{{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}},"metrics":{"vehicle_count":12,"avg_speed_kmh":41.5}}""";
            var published = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(device.Telemetry).WithPayload(reading).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.True(published.IsSuccess, published.ReasonCode.ToString());
        }

        using var admin = await _server.AdminAsync();
        var shown = await IntegrationTests.Eventually.WaitAsync(
            async () =>
            {
                var response = await admin.GetAsync($"api/devices/{device.Id}");
                return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : default;
            },
            d => d.ValueKind == JsonValueKind.Object && d.GetProperty("values").TryGetProperty("avg_speed_kmh", out _),
            TimeSpan.FromSeconds(15),
            "the device's reading on the screens");
        Assert.Equal(41.5, shown.GetProperty("values").GetProperty("avg_speed_kmh").GetDouble());

        // A plain connection to the TLS port gets nowhere.
        using var plain = new MqttClientFactory().CreateMqttClient();
        await Assert.ThrowsAnyAsync<Exception>(() => plain.ConnectAsync(Mqtt.MqttConnection.Options(new Uri($"mqtt://127.0.0.1:{tlsPort}"), "plain", device.Id, device.Secret).WithTimeout(TimeSpan.FromSeconds(3)).Build()));
    }
}
