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
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<IPage> OpenWallAsync(string query = "")
    {
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        await page.GotoAsync(new Uri(_server.BaseUrl, "wall" + query).ToString());
        await page.Locator("body[data-live=true]").WaitForAsync(new() { Timeout = 15_000 });
        return page;
    }

    [Fact]
    public async Task Wall_RendersKpisMapAndCharts_InVietnamese_AndInEnglish()
    {
        var page = await OpenWallAsync();
        var devices = DashboardProcess.Traffic + DashboardProcess.Environment + DashboardProcess.Connectivity;

        await Assertions.Expect(page.Locator("#map circle.device")).ToHaveCountAsync(devices, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#map circle.device[data-state=ok]")).ToHaveCountAsync(devices, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#map circle.area")).ToHaveCountAsync(11);
        await Assertions.Expect(page.Locator(".kpi")).ToHaveCountAsync(7);
        await Assertions.Expect(page.Locator(".kpi").First).ToContainTextAsync($"Giao thông trực tuyến{DashboardProcess.Traffic}/{DashboardProcess.Traffic}", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#title-sub")).ToHaveTextAsync("Tỉnh Đồng Tháp");
        await Assertions.Expect(page.Locator("#banner")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".uplot")).ToHaveCountAsync(3);
        await page.WaitForTimeoutAsync(3_000); // a few chart points for the picture
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "wall-1920x1080.png") });

        var english = await OpenWallAsync("?lang=en");
        await Assertions.Expect(english.Locator(".kpi").First).ToContainTextAsync("Traffic online");
        await Assertions.Expect(english.Locator("#ticker-title")).ToHaveTextAsync("Open incidents");
    }

    [Fact]
    public async Task AnIncidentCausedByReadingsOnTheBroker_AppearsOnTheWall_WithinTwoSeconds()
    {
        var page = await OpenWallAsync();
        using var mqtt = new MqttClientFactory().CreateMqttClient();
        await mqtt.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _server.BrokerPort).WithClientId("wall-test-device").Build());

        // A device reports, then says it is going offline (as its last will would): a device_offline incident.
        const string device = "bt-trf-test-001";
        const string reading = """{"metrics":{"vehicle_count":12,"avg_speed_kmh":41.5,"occupancy_pct":18}}""";
        await mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"ioc/v1/traffic/{device}/telemetry").WithPayload(Encoding.UTF8.GetBytes(reading)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"ioc/v1/traffic/{device}/status").WithPayload("offline"u8.ToArray()).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

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

        await _server.StopAsync();
        var banner = page.Locator("#banner");
        await Assertions.Expect(banner).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(banner).ToHaveTextAsync("Mất kết nối — đang kết nối lại…");
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "wall-disconnected-1920x1080.png") });

        await _server.StartAsync();
        await Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-snapshots", "2", new() { Timeout = 10_000 }); // resynced
    }
}
