using System.Text;
using Microsoft.Playwright;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.DashboardTests;

/// <summary>
/// The screen wall in Debian's Chromium (Playwright), against the all-in-one host as a real process: it renders,
/// shows an incident caused by readings published to its broker, and shows and clears the connection-lost banner
/// when the server goes away and comes back. Screenshots at 1920×1080 go to artifacts/screenshots.
/// </summary>
public sealed class WallBrowserTests : IAsyncLifetime
{
    private readonly DashboardProcess _server = new();
    private DebianChromium _chromium = null!;

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        _chromium = await DebianChromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>A wall opened with its kiosk link (a new token each time), as a screen in a control room would be.</summary>
    private async Task<IPage> OpenWallAsync(string query = "")
    {
        var page = await _chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        await page.GotoAsync(await _server.KioskLinkAsync() + query.Replace('?', '&'));
        await page.Locator("body[data-live=true]").WaitForAsync(new() { Timeout = 15_000 });
        return page;
    }

    [Fact]
    public async Task TheWallWithoutAKioskLinkOrLogin_GoesToTheLoginPage()
    {
        var page = await _chromium.Browser.NewPageAsync();

        await page.GotoAsync(new Uri(_server.BaseUrl, "wall").ToString());

        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Đăng nhập");
    }

    [Fact]
    public async Task AnOfficerAcknowledgesInTheConsole_AndTheWallShowsItAcknowledged_WithinASecond()
    {
        var wall = await OpenWallAsync();
        using (var admin = await _server.AdminAsync())
        {
            var created = await admin.PostAsync("api/users", new StringContent("""{"userName":"truc-ban","displayName":"Cán bộ trực ban","role":"officer","password":"truc-ban-2026-dong-thap"}""", Encoding.UTF8, "application/json"));
            created.EnsureSuccessStatusCode();
        }

        await PublishOfflineAsync("bt-env-test-009");
        var onWall = wall.Locator("#ticker li", new() { HasText = "bt-env-test-009" });
        await Assertions.Expect(onWall).ToHaveAttributeAsync("data-state", "open", new() { Timeout = 5_000 });

        var console = await _chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        await console.GotoAsync(new Uri(_server.BaseUrl, "console").ToString());
        await console.SignInAsync("truc-ban", "truc-ban-2026-dong-thap");
        var row = console.Locator("#incidents tbody tr", new() { HasText = "bt-env-test-009" });
        await row.ClickAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(console.Locator("#d-ack")).ToBeEnabledAsync();
        await console.FillAsync("#d-comment", "Đã cử kỹ thuật viên kiểm tra trạm");
        await console.ClickAsync("#d-ack");

        await Assertions.Expect(onWall).ToHaveAttributeAsync("data-state", "acknowledged", new() { Timeout = 1_000 });
        await Assertions.Expect(console.Locator("#d-audit")).ToContainTextAsync("Đã cử kỹ thuật viên kiểm tra trạm");
        await Assertions.Expect(console.Locator("#who")).ToContainTextAsync("Cán bộ trực ban");
        await Assertions.Expect(console.Locator("#d-chart")).ToHaveAttributeAsync("data-points", new System.Text.RegularExpressions.Regex("^[1-9]"), new() { Timeout = 5_000 });
        await console.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "console-1920x1080.png") });
    }

    [Fact]
    public async Task TheDevicePage_ShowsLatestValuesAndHistoryFromTheStore()
    {
        string device;
        using (var admin = await _server.AdminAsync())
        {
            using var devices = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync("api/devices?domain=traffic"));
            device = devices.RootElement[0].GetProperty("id").GetString()!;
        }

        var page = await _chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        await page.GotoAsync(new Uri(_server.BaseUrl, "device?id=" + device).ToString());
        await page.SignInAsync("admin", DashboardProcess.AdminPassword);

        await Assertions.Expect(page.Locator("#title")).ToContainTextAsync(device, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#title")).ToContainTextAsync("Thiết bị ");
        // Metrics by their names, not their ids; the range in words.
        await Assertions.Expect(page.Locator("#values")).ToContainTextAsync("Tốc độ trung bình");
        await Assertions.Expect(page.Locator("#values")).Not.ToContainTextAsync("avg_speed_kmh");
        await Assertions.Expect(page.Locator("button[data-range='7d']")).ToHaveTextAsync("7 ngày");
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-points", new System.Text.RegularExpressions.Regex("^[1-9]"), new() { Timeout = 10_000 });
        await page.ClickAsync("button[data-range='24h']");
        await Assertions.Expect(page.Locator("button[data-range='24h']")).ToHaveAttributeAsync("aria-pressed", "true");
        // A host a minute old has one 24-hour bucket (or two, across a bucket's edge): one reading is said in words.
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-chart", new System.Text.RegularExpressions.Regex("^(one|drawn)$"));
        if (await page.Locator("#chart").GetAttributeAsync("data-chart") == "one")
        {
            await Assertions.Expect(page.Locator("#chart .chart-note")).ToContainTextAsync("Chỉ có số liệu trong một khung 10 phút, từ ");
        }
        else
        {
            await Assertions.Expect(page.Locator("#chart .uplot")).ToHaveCountAsync(1);
        }
    }

    [Fact]
    public async Task AnAdminMakesAKioskLinkForAWall_AndRevokingItTakesTheWallOffline()
    {
        var admin = await _chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        await admin.GotoAsync(new Uri(_server.BaseUrl, "admin").ToString());
        await admin.SignInAsync("admin", DashboardProcess.AdminPassword);
        await Assertions.Expect(admin.Locator("#title")).ToHaveTextAsync("Quản trị", new() { Timeout = 10_000 });

        await admin.FillAsync("#new-kiosk input[name=name]", "Phòng điều hành — màn hình 1");
        await admin.ClickAsync("#add-kiosk");
        await Assertions.Expect(admin.Locator("#new-link")).ToContainTextAsync("/wall?token=");
        var link = (await admin.Locator("#new-link").TextContentAsync())!.Split(' ').Last(w => w.Contains("/wall?token=", StringComparison.Ordinal));
        await admin.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "admin-1920x1080.png") });

        var wall = await _chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        await wall.GotoAsync(link);
        await wall.Locator("body[data-live=true]").WaitForAsync(new() { Timeout = 15_000 });

        admin.Dialog += (_, dialog) => dialog.AcceptAsync();
        await admin.ClickAsync("#kiosks tbody tr:has-text('Phòng điều hành — màn hình 1') button[data-revoke]");

        await Assertions.Expect(wall.Locator("#banner")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await wall.WaitForTimeoutAsync(3_000); // it keeps trying, and stays out
        await Assertions.Expect(wall.Locator("body")).ToHaveAttributeAsync("data-live", "false");
        await Assertions.Expect(admin.Locator("#kiosks")).ToContainTextAsync("Đã thu hồi");
    }

    private async Task PublishOfflineAsync(string device)
    {
        using var mqtt = new MqttClientFactory().CreateMqttClient();
        await mqtt.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _server.BrokerPort).WithClientId("test-" + device).Build());
        var domain = device.Contains("-env-", StringComparison.Ordinal) ? "environment" : "traffic";
        var reading = domain == "environment" ? """{"metrics":{"pm25_ugm3":21.5,"humidity_pct":78}}""" : """{"metrics":{"vehicle_count":12,"avg_speed_kmh":41.5,"occupancy_pct":18}}""";
        await mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"ioc/v1/{domain}/{device}/telemetry").WithPayload(Encoding.UTF8.GetBytes(reading)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"ioc/v1/{domain}/{device}/status").WithPayload("offline"u8.ToArray()).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
    }

    [Fact]
    public async Task Wall_RendersKpisMapAndCharts_InVietnamese_AndInEnglish()
    {
        var page = await OpenWallAsync();
        var devices = DashboardProcess.Traffic + DashboardProcess.Environment + DashboardProcess.Connectivity;

        await Assertions.Expect(page.Locator("#map circle.device")).ToHaveCountAsync(devices, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#map circle.device[data-state=ok]")).ToHaveCountAsync(devices, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#map circle.area")).ToHaveCountAsync(102); // the packaged Đồng Tháp: one per commune
        await Assertions.Expect(page.Locator(".kpi")).ToHaveCountAsync(7);
        await Assertions.Expect(page.Locator(".kpi").First).ToContainTextAsync($"Thiết bị giao thông hoạt động{DashboardProcess.Traffic}/{DashboardProcess.Traffic}", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#title-sub")).ToHaveTextAsync("Tỉnh Đồng Tháp");
        await Assertions.Expect(page.Locator("#banner")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".uplot")).ToHaveCountAsync(3);
        await page.WaitForTimeoutAsync(3_000); // a few chart points for the picture
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "wall-1920x1080.png") });

        var english = await OpenWallAsync("?lang=en");
        await Assertions.Expect(english.Locator(".kpi").First).ToContainTextAsync("Traffic devices online");
        await Assertions.Expect(english.Locator("#ticker-title")).ToHaveTextAsync("Open incidents");
    }

    [Fact]
    public async Task AnIncidentCausedByReadingsOnTheBroker_AppearsOnTheWall_WithinTwoSeconds()
    {
        var page = await OpenWallAsync();

        // A device reports, then says it is going offline (as its last will would): a device_offline incident.
        const string device = "bt-trf-test-001";
        await PublishOfflineAsync(device);

        var item = page.Locator("#ticker li", new() { HasText = device });
        await Assertions.Expect(item).ToBeVisibleAsync(new() { Timeout = 2_000 });
        await Assertions.Expect(item).ToContainTextAsync("Thiết bị mất tín hiệu");
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "wall-incident-1920x1080.png") });
    }

    [Fact]
    public async Task ServerGoingAway_ShowsTheConnectionLostBanner_AndItClearsWhenTheServerIsBack()
    {
        var page = await OpenWallAsync();
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-snapshots", "1");

        // An incident acknowledged before the server is killed (SIGKILL: no shutdown code runs) …
        await PublishOfflineAsync("bt-env-test-007");
        var onWall = page.Locator("#ticker li", new() { HasText = "bt-env-test-007" });
        await Assertions.Expect(onWall).ToHaveAttributeAsync("data-state", "open", new() { Timeout = 5_000 });
        long id;
        using (var admin = await _server.AdminAsync())
        {
            using var list = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync("api/incidents"));
            id = list.RootElement.EnumerateArray().First(i => i.GetProperty("deviceId").GetString() == "bt-env-test-007").GetProperty("id").GetInt64();
            (await admin.PostAsync($"api/incidents/{id}/acknowledge", new StringContent("""{"comment":"trước khi khởi động lại"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }

        await Assertions.Expect(onWall).ToHaveAttributeAsync("data-state", "acknowledged", new() { Timeout = 2_000 });

        await _server.StopAsync();
        var banner = page.Locator("#banner");
        await Assertions.Expect(banner).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(banner).ToHaveTextAsync("Mất kết nối với máy chủ — đang kết nối lại…");
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "wall-disconnected-1920x1080.png") });

        await _server.StartAsync();
        await Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-snapshots", "2", new() { Timeout = 10_000 }); // resynced

        // … is still open and acknowledged after the restart, on the wall (from the new snapshot) and with its audit trail.
        await Assertions.Expect(onWall).ToHaveAttributeAsync("data-state", "acknowledged");
        using var again = await _server.AdminAsync();
        using var incident = System.Text.Json.JsonDocument.Parse(await again.GetStringAsync($"api/incidents/{id}"));
        Assert.Equal("acknowledged", incident.RootElement.GetProperty("incident").GetProperty("state").GetString());
        Assert.Contains(incident.RootElement.GetProperty("audit").EnumerateArray(), e => e.ToString().Contains("trước khi khởi động lại", StringComparison.Ordinal));
    }
}
