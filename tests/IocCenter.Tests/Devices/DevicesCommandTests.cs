using IocCenter.Devices;
using IocCenter.Devices.Cli;

namespace IocCenter.Tests.Devices;

/// <summary>iocc-devices, run in process on a temporary folder as an operator would from the shell.</summary>
public sealed class DevicesCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iocc-devices-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Add_Rotate_Service_AndMosquitto_KeepOnlyHashes_AndTheLatestSecretWorks()
    {
        var registry = Path.Combine(_folder, "devices.json");
        var services = Path.Combine(_folder, "services.json");
        var first = Secret(Run("add", "--registry", registry, "--id", "trf-001", "--domain", "traffic", "--area", "29905", "--name", "Ngã tư Sa Đéc"));
        Secret(Run("add", "--registry", registry, "--id", "env-002", "--domain", "environment", "--area", "29869"));
        var rotated = Secret(Run("rotate", "--registry", registry, "--id", "trf-001"));
        var ingest = Secret(Run("service", "--services", services, "--name", "iocc-ingest"));

        var text = File.ReadAllText(registry) + File.ReadAllText(services);
        Assert.DoesNotContain(first, text, StringComparison.Ordinal);
        Assert.DoesNotContain(rotated, text, StringComparison.Ordinal);
        Assert.DoesNotContain(ingest, text, StringComparison.Ordinal);

        var device = DeviceDirectory.Load(registry).Find("trf-001")!;
        Assert.Equal(("29905", "Ngã tư Sa Đéc"), (device.Area, device.Name));
        Assert.True(DeviceSecrets.Verify(rotated, device.SecretHash));
        Assert.False(DeviceSecrets.Verify(first, device.SecretHash)); // rotated away

        var output = Run("mosquitto", "--registry", registry, "--services", services, "--out", Path.Combine(_folder, "mosquitto"));
        Assert.Contains("2 thiết bị / devices, 1 dịch vụ / services", output, StringComparison.Ordinal);
        var passwords = File.ReadAllLines(Path.Combine(_folder, "mosquitto", "password_file"));
        Assert.Equal(["iocc-ingest", "env-002", "trf-001"], passwords.Select(l => l.Split(':')[0]));
        Assert.True(DeviceSecrets.Verify(ingest, passwords[0].Split(':', 2)[1]));
    }

    [Theory]
    [InlineData("add", "--registry", "r.json", "--id", "bad id", "--domain", "traffic", "--area", "a")]
    [InlineData("add", "--registry", "r.json", "--id", "trf-1", "--domain", "weather", "--area", "a")]
    [InlineData("add", "--registry", "r.json", "--id", "trf-1")]
    [InlineData("add", "--registry", "r.json", "--id", "trf-1", "--domain", "traffic", "--area", "sa-dec")] // not a commune code of the pack
    [InlineData("add", "--registry", "r.json", "--id", "trf-1", "--domain", "traffic", "--lat", "21.03", "--lon", "105.85")] // Hà Nội, not Đồng Tháp
    [InlineData("rotate", "--registry", "r.json", "--id", "nobody")]
    [InlineData("delete")]
    public void AMistake_GetsUsageAndExitCode2_AndWritesNothing(params string[] args)
    {
        using var error = new StringWriter();
        var code = DevicesCommand.Run(args.Select(a => a == "r.json" ? Path.Combine(_folder, a) : a).ToArray(), TextWriter.Null, error, TextReader.Null);
        Assert.Equal(2, code);
        Assert.Contains("iocc-devices", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "r.json")));
    }

    [Fact]
    public void Add_PositionWithoutArea_GetsTheCommuneItIsIn()
    {
        var registry = Path.Combine(_folder, "devices.json");
        var province = Path.Combine(AppContext.BaseDirectory, "test-provinces", "thu-nghiem");
        Secret(Run("add", "--registry", registry, "--province", province, "--id", "cam-1", "--domain", "traffic", "--lat", "10.05", "--lon", "106.06"));

        Assert.Equal("99013", DeviceDirectory.Load(registry).Find("cam-1")!.Area);
    }

    private static string Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, DevicesCommand.Run(args, output, error, TextReader.Null));
        return output.ToString();
    }

    private static string Secret(string output) =>
        output.Split('\n').Single(l => l.StartsWith("password: ", StringComparison.Ordinal))["password: ".Length..].Trim();
}
