using System.Collections.Concurrent;
using IocCenter.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.TestShared;

/// <summary>A device's broker identity for <see cref="BrokerAccessChecks"/>.</summary>
public sealed record TestDevice(string Id, string Domain, string Secret)
{
    public string Telemetry => $"ioc/v1/{Domain}/{Id}/telemetry";
}

/// <summary>
/// The device access rules, checked against a real broker (the embedded MQTTnet one, or mosquitto with the generated
/// password_file and acl_file): who may connect, where a device may publish, what it may subscribe to.
/// </summary>
public static class BrokerAccessChecks
{
    public static async Task VerifyAsync(Uri broker, TestDevice device, TestDevice other, (string User, string Secret) service, Action<MqttClientOptionsBuilder>? tls = null)
    {
        // A service account sees everything under ioc/v1/.
        var seen = new ConcurrentQueue<string>();
        using var observer = await ConnectAsync(broker, "observer-" + Guid.NewGuid().ToString("N")[..6], service.User, service.Secret, tls);
        observer.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue(e.ApplicationMessage.Topic + " " + e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        var observed = await observer.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("ioc/v1/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, observed.Items.Single().ResultCode);

        // Nobody gets in without a secret, or with a wrong one.
        await AssertRefusedAsync(broker, device.Id, null, null, tls);
        await AssertRefusedAsync(broker, device.Id, device.Id, "not-" + device.Secret, tls);
        await AssertRefusedAsync(broker, device.Id, other.Id, device.Secret, tls); // its secret is not the other device's

        // Each step on a connection of its own (after a refused publish some clients, MQTTnet's among them, drop the
        // connection), with a client id of its own: reusing one races the broker's takeover of the previous session.
        async Task<T> AsDeviceAsync<T>(Func<IMqttClient, Task<T>> step)
        {
            using var client = await ConnectAsync(broker, device.Id + "-" + Guid.NewGuid().ToString("N")[..6], device.Id, device.Secret, tls);
            return await step(client);
        }

        // Its own topic: accepted and delivered.
        Assert.Equal(MqttClientPublishReasonCode.Success, (await AsDeviceAsync(c => c.PublishAsync(Message(device.Telemetry, "own-1")))).ReasonCode);

        // Another device's topic, or a service topic: refused and never delivered.
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await AsDeviceAsync(c => c.PublishAsync(Message(other.Telemetry, "forged")))).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await AsDeviceAsync(c => c.PublishAsync(Message("ioc/v1/incidents/999", "forged")))).ReasonCode);

        // Subscribing to other devices' data, or to everything: refused (the embedded broker refuses the SUBACK;
        // mosquitto grants it but delivers nothing, its acl_file being checked on delivery). Either way nothing arrives.
        var leaked = new ConcurrentQueue<string>();
        using (var snooper = await ConnectAsync(broker, device.Id + "-snoop", device.Id, device.Secret, tls))
        {
            snooper.ApplicationMessageReceivedAsync += e =>
            {
                leaked.Enqueue(e.ApplicationMessage.Topic);
                return Task.CompletedTask;
            };
            foreach (var filter in new[] { other.Telemetry, "ioc/v1/#", "#", "$share/g/ioc/v1/#" })
            {
                await snooper.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }

            using (var publisher = await ConnectAsync(broker, other.Id, other.Id, other.Secret, tls))
            {
                Assert.Equal(MqttClientPublishReasonCode.Success, (await publisher.PublishAsync(Message(other.Telemetry, "other-1"))).ReasonCode);
            }

            await WaitForAsync(seen, other.Telemetry + " other-1");
            // Absence needs a window: the fan-out that reached the observer reached any subscriber of the snooper's too,
            // and half a second more covers its socket. (A device may receive nothing, so no later message can mark the end.)
            await Task.Delay(500);
        }

        Assert.Empty(leaked);

        // The broker handled the forged ones before answering them: once this later marker is seen, they would have been too.
        Assert.Equal(MqttClientPublishReasonCode.Success, (await AsDeviceAsync(c => c.PublishAsync(Message(device.Telemetry, "own-2")))).ReasonCode);
        await WaitForAsync(seen, device.Telemetry + " own-2");
        Assert.Contains(device.Telemetry + " own-1", seen);
        Assert.Contains(device.Telemetry + " own-2", seen);
        Assert.DoesNotContain(seen, m => m.EndsWith(" forged", StringComparison.Ordinal));
    }

    private static async Task WaitForAsync(ConcurrentQueue<string> seen, string message) =>
        await IntegrationTests.Eventually.WaitAsync(() => Task.FromResult(seen.Contains(message)), arrived => arrived, TimeSpan.FromSeconds(10), message + " delivered");

    public static async Task<IMqttClient> ConnectAsync(Uri broker, string clientId, string? user, string? secret, Action<MqttClientOptionsBuilder>? tls = null)
    {
        var builder = MqttConnection.Options(broker, clientId, user, secret);
        tls?.Invoke(builder);
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(builder.Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private static async Task AssertRefusedAsync(Uri broker, string clientId, string? user, string? secret, Action<MqttClientOptionsBuilder>? tls)
    {
        var builder = MqttConnection.Options(broker, clientId, user, secret);
        tls?.Invoke(builder);
        using var client = new MqttClientFactory().CreateMqttClient();
        MqttClientConnectResultCode code;
        try
        {
            code = (await client.ConnectAsync(builder.Build())).ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            // MQTTnet 5 throws on a refused CONNACK; the reason is only in the message.
            code = Enum.GetValues<MqttClientConnectResultCode>().FirstOrDefault(c => e.Message.Contains(c.ToString(), StringComparison.Ordinal));
            Assert.True(code != MqttClientConnectResultCode.Success, e.Message);
        }

        Assert.True(code is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized, $"user {user ?? "(none)"}: {code}");
        Assert.False(client.IsConnected);
    }

    private static MqttApplicationMessage Message(string topic, string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
}

/// <summary>A self-signed certificate for a test's TLS listener, as PEM files, and a client setting that trusts exactly it.</summary>
public sealed class TestCertificate
{
    private TestCertificate(string certificatePath, string keyPath, string thumbprint)
    {
        CertificatePath = certificatePath;
        KeyPath = keyPath;
        Thumbprint = thumbprint;
    }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    public string Thumbprint { get; }

    public static TestCertificate Create(string directory)
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=iocc-test-broker", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        Directory.CreateDirectory(directory);
        var certificatePath = Path.Combine(directory, "broker.crt");
        var keyPath = Path.Combine(directory, "broker.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new TestCertificate(certificatePath, keyPath, certificate.Thumbprint);
    }

    /// <summary>TLS on, trusting this certificate only (it is in no trust store).</summary>
    public void Trust(MqttClientOptionsBuilder builder) =>
        builder.WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(e =>
            string.Equals(e.Certificate.GetCertHashString(), Thumbprint, StringComparison.OrdinalIgnoreCase)));
}
