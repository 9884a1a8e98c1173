using IocCenter.Devices;
using IocCenter.Telemetry;

namespace IocCenter.Tests.Devices;

public sealed class BrokerAccountsTests
{
    [Fact]
    public void AHashMadeByMosquittoPasswd_VerifiesHere_AndOursHasItsFormat()
    {
        // mosquitto_passwd -H sha512-pbkdf2 -I 1000 (mosquitto 2.0.11), password "s3cret".
        const string FromMosquitto = "$7$1000$l9YImxIZAwwjY3a3$SNsUgcdKOKKnWfCbGCbhGy41l/csKN19XEME2aWDyXD0hwqHArpwuZMkFoOFIiHnvlqAa3R9FT3NUsqcNptadQ==";
        Assert.True(DeviceSecrets.Verify("s3cret", FromMosquitto));
        Assert.False(DeviceSecrets.Verify("s3cret!", FromMosquitto));

        var secret = DeviceSecrets.Generate();
        var hash = DeviceSecrets.Hash(secret);
        Assert.Matches(@"^\$7\$1000\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$", hash);
        Assert.True(DeviceSecrets.Verify(secret, hash));
        Assert.NotEqual(hash, DeviceSecrets.Hash(secret)); // salted
        Assert.Equal(32, secret.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plain-text")]
    [InlineData("$6$1000$abc$def")]
    [InlineData("$7$x$abc$def")]
    [InlineData("$7$1000$not base64!$def")]
    public void AMalformedHash_NeverVerifies(string? hash) => Assert.False(DeviceSecrets.Verify("anything", hash));

    [Fact]
    public void Authenticate_KnowsDevicesWithASecret_AndServices_AndNobodyElse()
    {
        var accounts = Accounts(out var deviceSecret, out var serviceSecret);
        Assert.Equal(new DeviceIdentity(Record), accounts.Authenticate("trf-001", deviceSecret));
        Assert.Equal(new ServiceIdentity("iocc-ingest"), accounts.Authenticate("iocc-ingest", serviceSecret));
        Assert.Null(accounts.Authenticate("trf-001", serviceSecret));
        Assert.Null(accounts.Authenticate("trf-no-secret", ""));
        Assert.Null(accounts.Authenticate(null, deviceSecret));
        Assert.Null(accounts.Authenticate("unknown", deviceSecret));
    }

    [Theory]
    [InlineData("ioc/v1/traffic/trf-001/telemetry", true)]
    [InlineData("ioc/v1/traffic/trf-001/status", true)]
    [InlineData("ioc/v1/traffic/trf-001/", false)]
    [InlineData("ioc/v1/traffic/trf-0012/telemetry", false)]
    [InlineData("ioc/v1/traffic/trf-002/telemetry", false)]
    [InlineData("ioc/v1/environment/trf-001/telemetry", false)]
    [InlineData("ioc/v1/incidents/1", false)]
    [InlineData("ioc/v1/deadletter/x", false)]
    [InlineData("other/trf-001", false)]
    public void ADevice_PublishesOnlyUnderItsOwnDomainAndId(string topic, bool allowed) =>
        Assert.Equal(allowed, BrokerAccounts.MayPublish(new DeviceIdentity(Record), topic));

    [Theory]
    [InlineData("ioc/v1/#", true)]
    [InlineData("$share/ingest/ioc/v1/#", true)]
    [InlineData("#", false)]
    [InlineData("$SYS/#", false)]
    [InlineData("$share/ingest", false)]
    public void AService_SubscribesUnderTheRoot_ADeviceToNothing(string filter, bool serviceAllowed)
    {
        Assert.Equal(serviceAllowed, BrokerAccounts.MaySubscribe(new ServiceIdentity("iocc-ingest"), filter));
        Assert.False(BrokerAccounts.MaySubscribe(new DeviceIdentity(Record), filter));
        Assert.False(BrokerAccounts.MaySubscribe(new DeviceIdentity(Record), "ioc/v1/traffic/trf-001/telemetry"));
    }

    [Fact]
    public void Authenticate_WithAnonymousAllowed_LetsInNoCredentialsAndUnknownNames_ButNotAWrongSecretForAnAccount()
    {
        var serviceSecret = DeviceSecrets.Generate();
        var accounts = new BrokerAccounts(new DeviceDirectory([Record]), [new ServiceAccount("iocc-internal", DeviceSecrets.Hash(serviceSecret))], allowAnonymous: true);
        Assert.IsType<AnonymousIdentity>(accounts.Authenticate(null, null));
        Assert.IsType<AnonymousIdentity>(accounts.Authenticate("", null));
        Assert.IsType<AnonymousIdentity>(accounts.Authenticate("some-device", "whatever"));
        Assert.Equal(new ServiceIdentity("iocc-internal"), accounts.Authenticate("iocc-internal", serviceSecret));
        Assert.Null(accounts.Authenticate("iocc-internal", "guess"));
        Assert.Null(accounts.Authenticate("trf-001", "guess"));
        Assert.Equal(new DeviceIdentity(Record), accounts.Authenticate("trf-001", DeviceSecret));
    }

    [Theory]
    [InlineData("ioc/v1/traffic/any-001/telemetry", true)]
    [InlineData("ioc/v1/environment/any-001/status", true)]
    [InlineData("ioc/v1/connectivity/a,b=c/telemetry", true)] // a bad device id is ingest's to dead-letter, with its reason
    [InlineData("ioc/v1/incidents/999", false)]
    [InlineData("ioc/v1/incidents/traffic/999", false)]
    [InlineData("ioc/v1/deadletter/json_invalid", false)]
    [InlineData("ioc/v1/deadletter/x/telemetry", false)]
    [InlineData("ioc/v1/system/x/status", false)]
    [InlineData("ioc/v1/traffic/any-001/command", false)]
    [InlineData("ioc/v1/traffic/any-001/telemetry/extra", false)]
    [InlineData("ioc/v1/weather/any-001/telemetry", false)]
    [InlineData("ioc/v1/traffic/telemetry", false)]
    [InlineData("other/topic", false)]
    public void AnAnonymousDevice_PublishesOnlyReadingsAndStatus_UnderAKnownDomain(string topic, bool allowed)
    {
        Assert.Equal(allowed, BrokerAccounts.MayPublish(new AnonymousIdentity(), topic));
        Assert.False(BrokerAccounts.MaySubscribe(new AnonymousIdentity(), "ioc/v1/#"));
        Assert.False(BrokerAccounts.MaySubscribe(new AnonymousIdentity(), "#"));
    }

    [Theory]
    [InlineData("iocc-ingest-vm", false)]
    [InlineData("IOCC-ingest-vm", false)]
    [InlineData("iocc-", false)]
    [InlineData("ingest-custom", false)] // a configured Mqtt:ClientId
    [InlineData("trf-001", true)]
    [InlineData("auto-123", true)]
    [InlineData("", true)] // the broker assigns one
    public void ServicesClientIds_AreTheirsAlone(string clientId, bool deviceMay)
    {
        var accounts = new BrokerAccounts(DeviceDirectory.Empty, [], allowAnonymous: true, reservedClientIds: ["ingest-custom"]);
        Assert.Equal(deviceMay, accounts.MayUseClientId(new AnonymousIdentity(), clientId));
        Assert.Equal(deviceMay, accounts.MayUseClientId(new DeviceIdentity(Record), clientId));
        Assert.True(accounts.MayUseClientId(new ServiceIdentity("iocc-internal"), clientId));
    }

    [Theory]
    [InlineData("ioc/v1/traffic/trf-001/status", "online", true)]
    [InlineData("ioc/v1/traffic/trf-001/status", "offline", true)]
    [InlineData("ioc/v1/traffic/trf-001/status", "", true)] // clears it
    [InlineData("ioc/v1/traffic/trf-001/status", "online but 200 KB of it", false)]
    [InlineData("ioc/v1/traffic/trf-001/telemetry", "{\"metrics\":{\"vehicle_count\":1}}", false)]
    public void ADevice_RetainsOnlyItsStatus(string topic, string payload, bool retained)
    {
        var bytes = new System.Buffers.ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(payload));
        Assert.Equal(retained, BrokerAccounts.MayRetain(new AnonymousIdentity(), topic, bytes));
        Assert.Equal(retained, BrokerAccounts.MayRetain(new DeviceIdentity(Record), topic, bytes));
        Assert.True(BrokerAccounts.MayRetain(new ServiceIdentity("iocc-internal"), topic, bytes));
    }

    [Fact]
    public void MosquittoFiles_HoldTheHashesAndOneAclBlockPerAccount()
    {
        var accounts = Accounts(out var deviceSecret, out _);
        var folder = Directory.CreateTempSubdirectory("iocc-acl-").FullName;
        try
        {
            accounts.WriteMosquittoFiles(Path.Combine(folder, "password_file"), Path.Combine(folder, "acl_file"));
            var passwords = File.ReadAllLines(Path.Combine(folder, "password_file"));
            Assert.Equal(["iocc-ingest", "trf-001"], passwords.Select(l => l.Split(':')[0]));
            Assert.DoesNotContain(passwords, l => l.Contains(deviceSecret, StringComparison.Ordinal));
            Assert.Equal(Record.SecretHash, passwords[1].Split(':', 2)[1]);
            var acl = File.ReadAllText(Path.Combine(folder, "acl_file"));
            Assert.Contains("user iocc-ingest\ntopic readwrite ioc/v1/#\n", acl, StringComparison.Ordinal);
            Assert.Contains("user trf-001\ntopic write ioc/v1/traffic/trf-001/#\n", acl, StringComparison.Ordinal);
            Assert.DoesNotContain("trf-no-secret", acl, StringComparison.Ordinal);
            Assert.DoesNotContain("topic read ", acl, StringComparison.Ordinal); // no device reads anything
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static readonly string DeviceSecret = DeviceSecrets.Generate();
    private static readonly DeviceRecord Record = new("trf-001", TelemetryDomain.Traffic, "29905", SecretHash: DeviceSecrets.Hash(DeviceSecret));

    private static BrokerAccounts Accounts(out string deviceSecret, out string serviceSecret)
    {
        deviceSecret = DeviceSecret;
        serviceSecret = DeviceSecrets.Generate();
        return new BrokerAccounts(
            new DeviceDirectory([Record, new DeviceRecord("trf-no-secret", TelemetryDomain.Traffic, "29905"), new DeviceRecord("bad id", TelemetryDomain.Traffic, "29905", SecretHash: Record.SecretHash)]),
            [new ServiceAccount("iocc-ingest", DeviceSecrets.Hash(serviceSecret))]);
    }
}
