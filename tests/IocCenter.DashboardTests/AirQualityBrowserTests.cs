using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.DashboardTests;

/// <summary>
/// Issue 16, item 5 on the screens: a station whose last quarter hour reads PM2.5 300 µg/m³ shows on the wall's
/// VN_AQI tile and in the ticker, and in the console, as a provisional ("tạm tính") index before its hour has an
/// official one. Screenshots at 1920×1080 and 3840×2160, Vietnamese and English, go to artifacts/screenshots.
/// </summary>
public sealed class AirQualityBrowserTests : IAsyncLifetime
{
    private const string Station = "bt-env-aqi-001";
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

    private async Task<IPage> OpenWallAsync(int width, int height, string query = "")
    {
        var page = await _chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        await page.GotoAsync(await _server.KioskLinkAsync() + query.Replace('?', '&'));
        await page.Locator("body[data-live=true]").WaitForAsync(new() { Timeout = 15_000 });
        return page;
    }

    /// <summary>
    /// Twenty minutes of one-minute readings at about 300 µg/m³, flushed as one batch (as a station sends what it
    /// buffered). All within one clock hour — this one from minute 15 on, else the last twenty minutes of the hour before
    /// — since the provisional index is the running hour's own.
    /// </summary>
    private async Task PublishSmogAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var hourStart = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var last = now.Minute >= 20 ? now : hourStart.AddSeconds(-30);
        var readings = Enumerable.Range(0, 20).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{{\"ts\":{last.AddMinutes(i - 19).ToUnixTimeMilliseconds()},\"metrics\":{{\"pm25_ugm3\":{300 + (i % 3)},\"pm10_ugm3\":{380 + (i % 4)},\"humidity_pct\":81}}}}"));
        using var mqtt = new MqttClientFactory().CreateMqttClient();
        await mqtt.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _server.BrokerPort).WithClientId("test-" + Station).Build());
        await mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"ioc/v1/environment/{Station}/telemetry")
            .WithPayload(Encoding.UTF8.GetBytes("[" + string.Join(',', readings) + "]")).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
    }

    [Fact]
    public async Task SmogBeforeTheHourlyIndex_ShowsAsProvisional_OnTheWallAndInTheConsole_InVietnameseAndEnglish()
    {
        var wall = await OpenWallAsync(1920, 1080);
        await PublishSmogAsync();

        // The tile: the provisional value, said in words (PM2.5 ≈ 300 µg/m³ with no history → 350, Nguy hại).
        var tile = wall.Locator(".kpi.provisional");
        await Assertions.Expect(tile).ToContainTextAsync("tạm tính", new() { Timeout = 5_000 });
        await Assertions.Expect(tile).ToContainTextAsync("Nguy hại");
        await Assertions.Expect(tile).ToContainTextAsync(new System.Text.RegularExpressions.Regex("tạm tính theo (20|25) phút gần nhất, chờ chỉ số giờ"));

        // The ticker: the air-quality incident, raised early, labelled provisional.
        // (The station may also be offline by then: its batch can end just before this hour, and it sends nothing more.)
        var item = wall.Locator("#ticker li.provisional", new() { HasText = Station });
        await Assertions.Expect(item).ToContainTextAsync("Chất lượng không khí (tạm tính) — Nghiêm trọng", new() { Timeout = 5_000 });
        await wall.WaitForTimeoutAsync(1_500); // a chart point or two for the picture
        await wall.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "wall-aqi-provisional-1920x1080.png") });

        var big = await OpenWallAsync(3840, 2160);
        await Assertions.Expect(big.Locator(".kpi.provisional")).ToContainTextAsync("tạm tính", new() { Timeout = 5_000 });
        await Assertions.Expect(big.Locator("#ticker li.provisional", new() { HasText = Station })).ToContainTextAsync("(tạm tính)");
        await big.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "wall-aqi-provisional-3840x2160.png") });

        foreach (var (width, height) in new[] { (1920, 1080), (3840, 2160) })
        {
            var english = await OpenWallAsync(width, height, "?lang=en");
            await Assertions.Expect(english.Locator(".kpi.provisional")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("provisional, last (20|25) min, until the hourly index"), new() { Timeout = 5_000 });
            await Assertions.Expect(english.Locator(".kpi.provisional")).ToContainTextAsync("Hazardous");
            await Assertions.Expect(english.Locator("#ticker li.provisional", new() { HasText = Station })).ToContainTextAsync("Air quality (provisional) — Critical");
            await english.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, $"wall-aqi-provisional-en-{width}x{height}.png") });
        }

        // The console: the row says provisional, the evidence in the duty officer's words (as raised: from the first
        // 15 minutes the station's batch gave, or more).
        foreach (var (lang, evidence, label) in new[] { ("", "Chỉ số tạm tính theo (15|20|25) phút gần nhất", "tạm tính"), ("?lang=en", "Provisional index from the last (15|20|25) minutes", "provisional") })
        {
            var console = await _chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
            await console.GotoAsync(new Uri(_server.BaseUrl, "console" + lang).ToString());
            await console.SignInAsync("admin", DashboardProcess.AdminPassword);
            var row = console.Locator("#incidents tbody tr", new() { HasText = Station }).Filter(new() { HasText = label });
            await Assertions.Expect(row).ToContainTextAsync(label, new() { Timeout = 10_000 });
            await row.ClickAsync();
            await Assertions.Expect(console.Locator("#d-evidence")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(evidence), new() { Timeout = 5_000 });
            await Assertions.Expect(console.Locator("#d-title")).ToContainTextAsync($"({label})");
            await console.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, $"console-aqi-provisional{(lang.Length > 0 ? "-en" : "")}-1920x1080.png") });
        }
    }
}
