using DotNet.Testcontainers.Builders;
using IocCenter.Devices;
using IocCenter.Telemetry;
using IocCenter.TestShared;

namespace IocCenter.IntegrationTests;

/// <summary>
/// The password_file and acl_file generated from a device registry, in a real mosquitto running the production
/// configuration in deploy/mosquitto (plain and TLS listeners): the same access rules as the embedded broker.
/// </summary>
public sealed class MosquittoDeviceAuthTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task GeneratedPasswordAndAclFiles_LetEachDeviceInWithItsOwnSecret_PublishOnlyUnderItsOwnTopics_AndSubscribeToNothing()
    {
        var device = new TestDevice("trf-auth-001", "traffic", DeviceSecrets.Generate());
        var other = new TestDevice("env-auth-002", "environment", DeviceSecrets.Generate());
        var service = ("iocc-ingest", DeviceSecrets.Generate());
        var registry = new DeviceDirectory(
        [
            new DeviceRecord(device.Id, TelemetryDomain.Traffic, "29905", SecretHash: DeviceSecrets.Hash(device.Secret)),
            new DeviceRecord(other.Id, TelemetryDomain.Environment, "29869", SecretHash: DeviceSecrets.Hash(other.Secret)),
            new DeviceRecord("cnn-no-secret", TelemetryDomain.Connectivity, "29869"),
        ]);
        var accounts = new BrokerAccounts(registry, [new ServiceAccount(service.Item1, DeviceSecrets.Hash(service.Item2))]);
        var passwords = Path.Combine(_folder.Path, "password_file");
        var acl = Path.Combine(_folder.Path, "acl_file");
        accounts.WriteMosquittoFiles(passwords, acl);
        Assert.DoesNotContain(device.Secret, await File.ReadAllTextAsync(passwords), StringComparison.Ordinal); // hashes only
        Assert.DoesNotContain("cnn-no-secret", await File.ReadAllTextAsync(passwords), StringComparison.Ordinal);

        var certificate = TestCertificate.Create(Path.Combine(_folder.Path, "certs"));
        int plainPort = TestFleet.FreePort(), tlsPort = TestFleet.FreePort();
        await using var mosquitto = new ContainerBuilder(ServicesFixture.MosquittoImage)
            .WithResourceMapping(await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot, "deploy", "mosquitto", "iocc-production.conf")), "/etc/mosquitto/iocc.conf")
            .WithResourceMapping(await File.ReadAllBytesAsync(passwords), "/etc/mosquitto/iocc/password_file")
            .WithResourceMapping(await File.ReadAllBytesAsync(acl), "/etc/mosquitto/iocc/acl_file")
            .WithResourceMapping(await File.ReadAllBytesAsync(certificate.CertificatePath), "/etc/mosquitto/certs/broker.crt")
            .WithResourceMapping(await File.ReadAllBytesAsync(certificate.KeyPath), "/etc/mosquitto/certs/broker.key")
            .WithPortBinding(plainPort, 1883)
            .WithPortBinding(tlsPort, 8883)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilInternalTcpPortIsAvailable(1883).UntilInternalTcpPortIsAvailable(8883))
            .Build();
        await mosquitto.StartAsync();

        try
        {
            await BrokerAccessChecks.VerifyAsync(new Uri($"mqtt://127.0.0.1:{plainPort}"), device, other, service);
            await BrokerAccessChecks.VerifyAsync(new Uri($"mqtts://127.0.0.1:{tlsPort}"), device, other, service, certificate.Trust);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var (stdout, stderr) = await mosquitto.GetLogsAsync();
            throw new InvalidOperationException($"{e.Message}\nmosquitto:\n{stdout}\n{stderr}", e);
        }
    }

    private static string RepositoryRoot
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(root.FullName, "IocCenter.sln")))
            {
                root = root.Parent ?? throw new InvalidOperationException("IocCenter.sln not found above " + AppContext.BaseDirectory);
            }

            return root.FullName;
        }
    }
}
