using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using IocCenter.Dashboard.Live;
using IocCenter.Geography;
using IocCenter.IntegrationTests;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace IocCenter.DashboardTests;

/// <summary>
/// The all-in-one host as a real process with a province pack: the packaged Đồng Tháp (the default) and the test
/// province; its screens' snapshot, <c>/api/province</c> and <c>/api/devices</c> speak of that province's communes.
/// A broken pack stops the host with exit code 2 and every problem listed.
/// </summary>
public sealed class ProvinceHostTests
{
    private static readonly string TestProvince = Path.Combine(AppContext.BaseDirectory, "test-provinces", "thu-nghiem");

    [Fact]
    public async Task DefaultDongThapPack_OneDeviceOfEachDomainPerCommune_ScreensAndApiListItsCommunes()
    {
        var pack = ProvincePack.Open();
        await using var server = new Server(new DashboardProcess(fleetFromPack: true));
        await server.Host.StartAsync();
        using var client = await server.SignInAsync();

        var province = JsonNode.Parse(await client.GetStringAsync("api/province"))!;
        Assert.Equal("Đồng Tháp", (string?)province["name"]);
        Assert.Equal(pack.Areas.Select(a => a.Code), province["areas"]!["features"]!.AsArray().Select(f => (string?)f!["properties"]!["code"]));

        var snapshot = await server.SnapshotAsync();
        Assert.Equal("Đồng Tháp", snapshot.Province);
        Assert.Equal(pack.Areas.Select(a => (a.Code, a.Name, a.Type)), snapshot.Areas.Select(a => (a.Code, a.Name, a.Type)));
        Assert.All(snapshot.Areas, a => Assert.True(pack.Locator.IsInside(a.Lat, a.Lon)));

        // 102 communes × (traffic, environment, connectivity): the whole demo fleet reports, each device in its commune.
        var devices = await Eventually.WaitAsync(() => DevicesAsync(client), d => d.Count == 306, TimeSpan.FromSeconds(90), "the 306 simulated devices on /api/devices");
        Assert.Equal(pack.Areas.Select(a => a.Code).Order(StringComparer.Ordinal), devices.Select(d => d.Area).Distinct().Order(StringComparer.Ordinal));
        Assert.All(devices, d => Assert.Equal(pack.FindArea(d.Area)!.Name, d.AreaName));
        Assert.All(devices, d => Assert.True(pack.Locator.IsInside(d.Lat!.Value, d.Lon!.Value), d.Id));
    }

    [Fact]
    public async Task TestProvincePack_ScreensAndApiListItsCommunes_AndItsRegistryWithTheAreaFoundByPosition()
    {
        var pack = ProvincePack.Open(TestProvince);
        await using var server = new Server(new DashboardProcess(fleetFromPack: true));
        await server.Host.StartAsync($"--Province:Path={TestProvince}");
        using var client = await server.SignInAsync();

        var province = JsonNode.Parse(await client.GetStringAsync("api/province"))!;
        Assert.Equal(("99", "Thử Nghiệm"), ((string?)province["code"], (string?)province["name"]));
        Assert.Equal(["99001", "99004", "99007", "99010", "99013", "99016"], province["areas"]!["features"]!.AsArray().Select(f => (string?)f!["properties"]!["code"]));
        Assert.All(province["areas"]!["features"]!.AsArray(), f => Assert.Equal("Polygon", (string?)f!["geometry"]!["type"]));

        var snapshot = await server.SnapshotAsync();
        Assert.Equal("Thử Nghiệm", snapshot.Province);
        Assert.Equal(["Phường Hồ Sen", "Phường Bến Đò", "Xã Bình An", "Xã Tân Phú", "Xã Cù Lao", "Đặc khu Cồn Cát"], snapshot.Areas.Select(a => a.Name));

        // The pack's registry (4 devices, listed at once) and the simulated fleet (one of each domain per commune).
        var registered = snapshot.Devices.Where(d => d.Id.StartsWith("tn-", StringComparison.Ordinal)).ToDictionary(d => d.Id);
        Assert.Equal(4, registered.Count);
        Assert.Equal(("99013", "Xã Cù Lao"), (registered["tn-net-1"].Area, registered["tn-net-1"].AreaName)); // no area in devices.json: found by its position
        Assert.All(registered.Values, d => Assert.Equal(pack.FindArea(d.Area)!.Name, d.AreaName));

        // The simulated fleet (one of each domain per commune, ids by commune code) reports too; a registry that lists
        // devices is the province's fleet, so the simulated ones are not in it: stored and shown, without an area.
        var devices = await Eventually.WaitAsync(() => DevicesAsync(client), d => d.Count(x => x.Id.StartsWith("bt-", StringComparison.Ordinal)) == 18, TimeSpan.FromSeconds(60), "the 18 simulated devices");
        Assert.Equal(pack.Areas.SelectMany(a => new[] { $"bt-trf-{a.Code}-1", $"bt-env-{a.Code}-1", $"bt-net-{a.Code}-1" }).Order(StringComparer.Ordinal),
            devices.Where(d => d.Id.StartsWith("bt-", StringComparison.Ordinal)).Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.All(devices.Where(d => d.Id.StartsWith("bt-", StringComparison.Ordinal)), d => Assert.Null(d.Area));

        using var one = JsonDocument.Parse(await client.GetStringAsync("api/devices/tn-net-1"));
        Assert.Equal("Xã Cù Lao", one.RootElement.GetProperty("areaName").GetString());
    }

    [Fact]
    public async Task BrokenPack_HostExits2_ListingEveryProblem()
    {
        var folder = Directory.CreateTempSubdirectory("iocc-bad-pack-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(TestProvince))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            Edit(Path.Combine(folder, "areas.geojson"), n =>
            {
                n["features"]![1]!["properties"]!["code"] = "99001";
                n["features"]![2]!["geometry"] = JsonNode.Parse("""{ "type": "Polygon", "coordinates": [[[106.09, 10.005], [106.11, 10.025], [106.11, 10.005], [106.09, 10.025], [106.09, 10.005]]] }""");
            });
            Edit(Path.Combine(folder, "devices.json"), n => (n[0]!["latitude"], n[0]!["longitude"]) = (106.015, 10.012));

            var (exitCode, output) = await RunToExitAsync($"--Province:Path={folder}");

            Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
            Assert.Contains("Cấu hình không hợp lệ / Invalid configuration:", output, StringComparison.Ordinal);
            Assert.Contains($"areas.geojson (feature 1, code 99001): trùng mã xã 99001 (đã có ở feature 0) / duplicate area code 99001 (already at feature 0)", output, StringComparison.Ordinal);
            Assert.Contains("areas.geojson (feature 2, code 99007): hình học không hợp lệ: đường biên tự cắt nhau tại (vĩ độ, kinh độ) 10.015, 106.1 / invalid geometry: Self-intersection at (lat, lon) 10.015, 106.1", output, StringComparison.Ordinal);
            Assert.Contains("devices.json (#0, id tn-trf-1): tọa độ có vẻ bị đảo (latitude 106.015, longitude 10.012)", output, StringComparison.Ordinal);
            Assert.Contains("coordinates look swapped (latitude 106.015, longitude 10.012): with latitude and longitude exchanged the device is inside the province", output, StringComparison.Ordinal);
            Assert.Equal(3, output.Split('\n').Count(l => l.Contains(folder, StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<List<DeviceView>> DevicesAsync(HttpClient client) =>
        JsonSerializer.Deserialize<List<DeviceView>>(await client.GetStringAsync("api/devices"), Json)!;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static void Edit(string path, Action<JsonNode> change)
    {
        var node = JsonNode.Parse(File.ReadAllText(path))!;
        change(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    /// <summary>The host with the given settings, expected to stop by itself: its exit code and everything it wrote.</summary>
    private static async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] settings)
    {
        var data = Directory.CreateTempSubdirectory("iocc-bad-host-").FullName;
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = data, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { DashboardProcess.HostDll, "--urls", $"http://127.0.0.1:{TestSupport.FreePort()}", $"--AllInOne:BrokerPort={TestSupport.FreePort()}", $"--AllInOne:DataPath={data}" }.Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the host did not stop within 60 s with a broken province pack:\n" + await stdout + await stderr);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>A started host, signed in as admin, with a hub connection for its snapshot.</summary>
    private sealed class Server(DashboardProcess host) : IAsyncDisposable
    {
        private readonly CookieContainer _cookies = new();
        private HubConnection? _hub;

        public DashboardProcess Host { get; } = host;

        public async Task<HttpClient> SignInAsync()
        {
            var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = _cookies }) { BaseAddress = Host.BaseUrl };
            await TestSupport.LoginAsync(client, "admin", DashboardProcess.AdminPassword);
            return client;
        }

        /// <summary>What a screen gets on connecting.</summary>
        public async Task<Snapshot> SnapshotAsync()
        {
            var snapshots = Channel.CreateUnbounded<Snapshot>();
            _hub = new HubConnectionBuilder()
                .WithUrl(new Uri(Host.BaseUrl, "hubs/ioc"), o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                    o.Cookies = _cookies;
                })
                .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)))
                .Build();
            _hub.On<Snapshot>("snapshot", s => snapshots.Writer.TryWrite(s));
            await _hub.StartAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            return await snapshots.Reader.ReadAsync(timeout.Token);
        }

        public async ValueTask DisposeAsync()
        {
            if (_hub is not null)
            {
                await _hub.DisposeAsync();
            }

            await Host.DisposeAsync();
        }
    }
}
