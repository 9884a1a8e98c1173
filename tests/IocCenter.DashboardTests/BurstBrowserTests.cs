using System.Globalization;
using Microsoft.Playwright;

namespace IocCenter.DashboardTests;

/// <summary>
/// Issue 16's burst sum, end to end: a network device that sent 26 hours of ordinary latency (about 50 ms, ±2) through
/// Debian's <c>mosquitto_pub</c>, then 15 readings swinging 7 ms above and below, opens an <c>anomaly</c> incident whose
/// evidence the console names in the duty officer's words — "nhiều số đo gần đây lệch xa mức thường" — in Vietnamese
/// and English. One such reading is ordinary for the device and its mean does not move, so nothing before the burst
/// sum found it. Screenshots at 1920×1080 and 3840×2160, Vietnamese and English, go to artifacts/screenshots.
/// </summary>
public sealed class BurstBrowserTests : IAsyncLifetime
{
    private const string Device = "swing-net-001";
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

    /// <summary>
    /// 9,500 readings 10 s apart (past the anomaly detectors' day of learning), the swing, then 40 ordinary readings up
    /// to now, in batches of 500 (as a device sends what it buffered).
    /// </summary>
    private async Task PublishSwingAsync()
    {
        const int history = 9_500, swing = 15, after = 40;
        var random = new Random(6);
        var now = DateTimeOffset.UtcNow;
        var readings = new List<string>();
        for (var i = 0; i < history + swing + after; i++)
        {
            var value = i >= history && i < history + swing
                ? 50 + ((i % 2 == 0 ? 1 : -1) * 7.0)
                : 50 + (2 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            var at = now.AddSeconds(-10.0 * (history + swing + after - 1 - i));
            readings.Add(string.Create(CultureInfo.InvariantCulture, $"{{\"ts\":{at.ToUnixTimeMilliseconds()},\"metrics\":{{\"latency_ms\":{Math.Round(value, 2)}}}}}"));
        }

        foreach (var batch in readings.Chunk(500))
        {
            await MosquittoClients.PublishAsync(_server.BrokerPort, "swing-device", $"ioc/v1/connectivity/{Device}/telemetry", "[" + string.Join(',', batch) + "]");
        }
    }

    [Fact]
    public async Task ASwingingSensor_OpensAnAnomaly_TheConsoleNamesItInBothLanguages()
    {
        await PublishSwingAsync();

        foreach (var (lang, words, detector) in new[]
        {
            ("", "Nhiều số đo gần đây lệch xa mức thường của chính thiết bị này (cao hoặc thấp)", "Cách phát hiện: Nhiều số đo gần đây lệch xa mức thường của chính thiết bị"),
            ("?lang=en", "Many recent readings far from this device's usual level (high or low)", "Detection: Many recent readings far from the device's own usual level"),
        })
        {
            foreach (var (width, height) in new[] { (1920, 1080), (3840, 2160) })
            {
                var console = await _chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
                await console.GotoAsync(new Uri(_server.BaseUrl, "console" + lang).ToString());
                await console.SignInAsync("admin", DashboardProcess.AdminPassword);
                var row = console.Locator("#incidents tbody tr", new() { HasText = Device }).Filter(new() { HasText = lang.Length == 0 ? "Số liệu bất thường" : "Unusual readings" });
                await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 60_000 });
                await row.ClickAsync();
                await Assertions.Expect(console.Locator("#d-evidence")).ToContainTextAsync(words, new() { Timeout = 5_000 });
                await Assertions.Expect(console.Locator("#d-evidence")).ToContainTextAsync(detector, new() { Timeout = 5_000 });
                await console.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, $"console-burst-{(lang.Length == 0 ? "vi" : "en")}-{width}x{height}.png") });
                await console.CloseAsync();
            }
        }
    }
}
