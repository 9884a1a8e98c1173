using System.Net;
using System.Text;
using System.Text.Json;
using IocCenter.Devices;
using IocCenter.IntegrationTests;
using IocCenter.Simulators.Fleet;
using Microsoft.Playwright;

namespace IocCenter.DashboardTests;

/// <summary>
/// Issue 14, items 3 and 5, through the all-in-one host as a real process with a device registry (the simulated
/// fleet), its embedded broker and Debian's mosquitto clients, and the wall in Chromium at 1920×1080: made-up device
/// ids do not move the wall's tiles and an admin can remove them; a device's state on the screens agrees with what it
/// last said, and with the incidents. (A rejected retained status dead-lettered once is tested against a real
/// mosquitto in <c>RetainedRejectTests</c>: the embedded broker no longer lets anyone take over ingest's client id,
/// which was the way to make it subscribe anew here.)
/// </summary>
public sealed class DeviceTruthTests : IAsyncLifetime
{
    private const string IngestClientId = "bt-ingest";
    private readonly DashboardProcess _server = new();
    private readonly string _registry = Path.Combine(Path.GetTempPath(), "iocc-registry-" + Guid.NewGuid().ToString("N")[..8] + ".json");
    private DebianChromium _chromium = null!;

    public async Task InitializeAsync()
    {
        // The registry lists the simulated fleet, as a province's registry would list its real devices.
        var fleet = new FleetOptions { Traffic = DashboardProcess.Traffic, Environment = DashboardProcess.Environment, Connectivity = DashboardProcess.Connectivity, Prefix = "bt" };
        DeviceDirectory.Save(_registry, FleetPlan.Create(fleet, IocCenter.Geography.ProvincePack.Open()).Select(d => d.Record));
        // Made-up devices are watched here (a registry alone would leave them without incidents): what the screens show
        // of their statuses is what is under test.
        await _server.StartAsync($"--Devices:RegistryPath={_registry}", "--AllInOne:BrokerAuthentication=Off", $"--Mqtt:ClientId={IngestClientId}", "--Analytics:WatchUnregisteredDevices=true");
        _chromium = await DebianChromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _server.DisposeAsync();
        File.Delete(_registry);
    }

    [Fact]
    public async Task MadeUpDevicesWithOfflineStatuses_DoNotMoveTheWallsTiles_AndAnAdminRemovesThem()
    {
        using var admin = await _server.AdminAsync();
        var wall = await _chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        await wall.GotoAsync(await _server.KioskLinkAsync());
        await wall.Locator("body[data-live=true]").WaitForAsync(new() { Timeout = 15_000 });

        // 150 made-up access points announce themselves offline (retained, as a last will would be).
        const int madeUp = 150;
        for (var batch = 0; batch < madeUp; batch += 25)
        {
            await Task.WhenAll(Enumerable.Range(batch, 25).Select(i =>
                MosquittoClients.PublishAsync(_server.BrokerPort, $"fake-{i:000}", $"ioc/v1/connectivity/fake-{i:000}/status", "offline", retain: true)));
        }

        await Eventually.WaitAsync(async () => (await DevicesAsync(admin)).GetArrayLength(), n => n >= DashboardProcess.Traffic + DashboardProcess.Environment + DashboardProcess.Connectivity + madeUp, TimeSpan.FromSeconds(20), "devices the screens know");

        // The tiles count the registered access points only: "x/6", not "x/156", and availability is theirs.
        var connectivity = wall.Locator(".kpi").Nth(2);
        var availability = wall.Locator(".kpi").Nth(6);
        await Assertions.Expect(connectivity).ToContainTextAsync($"/{DashboardProcess.Connectivity}", new() { Timeout = 5_000 });
        await Assertions.Expect(connectivity).Not.ToContainTextAsync($"/{DashboardProcess.Connectivity + madeUp}");
        await Assertions.Expect(availability).ToContainTextAsync("100,0 %", new() { Timeout = 15_000 }); // Vietnamese: a decimal comma
        await wall.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "wall-made-up-devices-1920x1080.png") });

        // An admin removes one through the API, another on the admin page: gone from the screens.
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync(new Uri("api/devices/fake-000", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri("api/devices/fake-000", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(new Uri("api/devices/fake-000", UriKind.Relative))).StatusCode);

        var page = await _chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        await page.GotoAsync(new Uri(_server.BaseUrl, "admin").ToString());
        await page.SignInAsync("admin", DashboardProcess.AdminPassword);
        await Assertions.Expect(page.Locator("#devices-title")).ToHaveTextAsync("Gỡ thiết bị", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#unregistered tbody tr", new() { HasText = "fake-001" })).ToBeVisibleAsync();
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync("#unregistered tbody tr:has-text('fake-001') button[data-remove]");
        await Assertions.Expect(page.Locator("#device-message")).ToContainTextAsync("Đã gỡ fake-001");
        await Assertions.Expect(page.Locator("#unregistered tbody tr", new() { HasText = "fake-001" })).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "admin-devices-1920x1080.png") });
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri("api/devices/fake-001", UriKind.Relative))).StatusCode);

        Assert.Empty(await OfflineIncidentsAsync(admin, "fake-001")); // its incident was resolved by the admin

        // A removed device that says "offline" again is back, offline, and an incident says so.
        await MosquittoClients.PublishAsync(_server.BrokerPort, "fake-001", "ioc/v1/connectivity/fake-001/status", "offline", retain: true);
        await Eventually.WaitAsync(async () => await OfflineIncidentsAsync(admin, "fake-001"), l => l.Count == 1, TimeSpan.FromSeconds(10), "fake-001's incident back");
        Assert.Equal("offline", (await DeviceAsync(admin, "fake-001"))!.Value.GetProperty("state").GetString());

        // A removed device that reports again comes back.
        await MosquittoClients.PublishAsync(_server.BrokerPort, "fake-000", "ioc/v1/connectivity/fake-000/telemetry", """{"metrics":{"latency_ms":30}}""");
        await Eventually.WaitAsync(async () => (await admin.GetAsync(new Uri("api/devices/fake-000", UriKind.Relative))).StatusCode, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "fake-000 back");

        // All the made-up ones at once, from the admin page: gone from the screens, their incidents resolved.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#remove-unregistered")).ToContainTextAsync($"({madeUp})", new() { Timeout = 10_000 });
        await page.ClickAsync("#remove-unregistered");
        await Assertions.Expect(page.Locator("#device-message")).ToContainTextAsync($"Đã gỡ {madeUp} thiết bị chưa đăng ký", new() { Timeout = 30_000 });
        Assert.Equal(DashboardProcess.Traffic + DashboardProcess.Environment + DashboardProcess.Connectivity, (await DevicesAsync(admin)).GetArrayLength());
        await Assertions.Expect(wall.Locator("#ticker li", new() { HasText = "fake-" })).ToHaveCountAsync(0, new() { Timeout = 5_000 });
        await wall.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "wall-made-up-devices-removed-1920x1080.png") });

        // Only admins remove devices: a viewer or a wall cannot.
        using var anonymous = new HttpClient { BaseAddress = _server.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync(new Uri("api/devices/fake-002", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync(new Uri("api/devices?unregistered=true", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.DeleteAsync(new Uri("api/devices", UriKind.Relative))).StatusCode); // never "everything"
    }

    [Fact]
    public async Task ADeviceThatSentARetainedOffline_AndKeepsReporting_IsShownOnline()
    {
        using var admin = await _server.AdminAsync();
        await MosquittoClients.PublishAsync(_server.BrokerPort, "probe-1", "ioc/v1/connectivity/probe-1/status", "offline", retain: true);
        await Eventually.WaitAsync(async () => await DeviceAsync(admin, "probe-1"), d => d is { } x && !x.GetProperty("online").GetBoolean(), TimeSpan.FromSeconds(10), "probe-1 offline");

        await MosquittoClients.PublishAsync(_server.BrokerPort, "probe-1", "ioc/v1/connectivity/probe-1/telemetry", """{"metrics":{"latency_ms":20}}""");

        var device = await Eventually.WaitAsync(async () => await DeviceAsync(admin, "probe-1"), d => d is { } x && x.GetProperty("online").GetBoolean(), TimeSpan.FromSeconds(10), "probe-1 online after its reading");
        Assert.NotEqual("offline", device!.Value.GetProperty("state").GetString());
        // Analytics agrees: the device_offline its status raised is no longer active (cleared by the reading).
        var incidents = await Eventually.WaitAsync(async () => await OfflineIncidentsAsync(admin, "probe-1", "all"), l => l.Count > 0 && l.All(i => !i.GetProperty("active").GetBoolean()), TimeSpan.FromSeconds(10), "probe-1's incident cleared");
        Assert.NotEmpty(incidents);
    }

    [Fact]
    public async Task ResolvingTheIncidentOfADeviceStillOffline_LeavesAnIncidentThatExplainsWhatTheScreensShow()
    {
        using var admin = await _server.AdminAsync();
        await MosquittoClients.PublishAsync(_server.BrokerPort, "probe-2", "ioc/v1/connectivity/probe-2/telemetry", """{"metrics":{"latency_ms":20}}""");
        await MosquittoClients.PublishAsync(_server.BrokerPort, "probe-2", "ioc/v1/connectivity/probe-2/status", "offline", retain: true);
        var first = (await Eventually.WaitAsync(async () => await OfflineIncidentsAsync(admin, "probe-2"), l => l.Count == 1, TimeSpan.FromSeconds(10), "probe-2's incident"))[0];

        var resolve = await admin.PostAsync(new Uri($"api/incidents/{first.GetProperty("id").GetInt64()}/resolve", UriKind.Relative), new StringContent("""{"comment":"đã báo kỹ thuật"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);

        // Still offline on the screens, and an open incident says so.
        var device = await DeviceAsync(admin, "probe-2");
        Assert.Equal("offline", device!.Value.GetProperty("state").GetString());
        var open = Assert.Single(await OfflineIncidentsAsync(admin, "probe-2"));
        Assert.NotEqual(first.GetProperty("id").GetInt64(), open.GetProperty("id").GetInt64());
        Assert.True(open.GetProperty("active").GetBoolean());
        Assert.Contains("vẫn mất kết nối", open.GetProperty("evidence").GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Back: the reading clears it, and the screens show the device online.
        await MosquittoClients.PublishAsync(_server.BrokerPort, "probe-2", "ioc/v1/connectivity/probe-2/telemetry", """{"metrics":{"latency_ms":21}}""");
        await Eventually.WaitAsync(async () => await DeviceAsync(admin, "probe-2"), d => d is { } x && x.GetProperty("online").GetBoolean(), TimeSpan.FromSeconds(10), "probe-2 back online");
        await Eventually.WaitAsync(async () => await OfflineIncidentsAsync(admin, "probe-2"), l => l.All(i => !i.GetProperty("active").GetBoolean()), TimeSpan.FromSeconds(10), "probe-2's incident cleared");
    }

    private static async Task<JsonElement> DevicesAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri("api/devices", UriKind.Relative))).RootElement;

    private static async Task<JsonElement?> DeviceAsync(HttpClient client, string id)
    {
        var response = await client.GetAsync(new Uri("api/devices/" + id, UriKind.Relative));
        return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement : null;
    }

    private static async Task<List<JsonElement>> OfflineIncidentsAsync(HttpClient client, string device, string state = "unresolved")
    {
        var list = JsonDocument.Parse(await client.GetStringAsync(new Uri($"api/incidents?kind=device_offline&state={state}", UriKind.Relative))).RootElement;
        return list.EnumerateArray().Where(i => i.GetProperty("deviceId").GetString() == device).ToList();
    }
}
