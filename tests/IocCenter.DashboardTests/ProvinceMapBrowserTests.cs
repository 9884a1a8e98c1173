using Microsoft.Playwright;

namespace IocCenter.DashboardTests;

/// <summary>
/// The wall's province map with the packaged Đồng Tháp pack (102 communes placed as approximate points), in Debian's
/// Chromium against the real host: one disc per commune, the outline fitted to the screen, no two labels overlapping,
/// the place of an open incident ringed and labelled first, the approximate-positions notice, at 1920×1080 and
/// 3840×2160 in both languages (screenshots to artifacts/screenshots).
/// </summary>
public sealed class ProvinceMapBrowserTests : IAsyncLifetime
{
    private const int Communes = 102;
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

    [Theory]
    [InlineData(1920, 1080, "")]
    [InlineData(3840, 2160, "")]
    [InlineData(1920, 1080, "&lang=en")]
    [InlineData(3840, 2160, "&lang=en")]
    public async Task TheWall_DrawsTheOutlineAndEveryCommune_WithLabelsThatDoNotOverlap(int width, int height, string query)
    {
        var page = await MapPage.OpenWallAsync(_chromium, _server, width, height, query);
        var devices = DashboardProcess.Traffic + DashboardProcess.Environment + DashboardProcess.Connectivity;

        await Assertions.Expect(page.Locator("#map path.outline")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#map circle.area.point")).ToHaveCountAsync(Communes);
        await Assertions.Expect(page.Locator("#map circle.device[data-area]")).ToHaveCountAsync(devices, new() { Timeout = 10_000 });
        var (w, h, inside) = await MapPage.OutlineFitAsync(page);
        Assert.True(inside, "the outline leaves the map");
        Assert.True(w > 0.8 || h > 0.8, $"the outline does not fill the map: {w:P0} × {h:P0}");

        var labels = await MapPage.LabelsAsync(page);
        Assert.InRange(labels.Count, 10, Communes);
        Assert.Equal(0, labels.Overlaps);
        Assert.True(labels.SmallestFontPx >= width / 160.0, $"labels of {labels.SmallestFontPx}px at {width}px wide");

        var english = query.Length > 0;
        await Assertions.Expect(page.Locator("#map-approximate")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#map-approximate")).ToHaveTextAsync(english ? "Approximate commune positions" : "Vị trí xã chỉ mang tính minh họa");
        await Assertions.Expect(page.Locator("#map-attribution")).ToContainTextAsync("Open Development Mekong");
        await Assertions.Expect(page.Locator("#title-sub")).ToHaveTextAsync("Tỉnh Đồng Tháp");
        await Assertions.Expect(page.Locator(".uplot")).ToHaveCountAsync(3);
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, $"wall-map-{width}x{height}{(english ? "-en" : "")}.png") });
    }

    [Fact]
    public async Task AnOpenIncident_RingsItsCommune_AndItsLabelIsPlacedFirst()
    {
        var page = await MapPage.OpenWallAsync(_chromium, _server, 1920, 1080);
        var device = await MapPage.FirstDeviceAsync(_server, "environment");
        var dot = page.Locator($"#map circle.device[data-id='{device}']");
        await Assertions.Expect(dot).ToHaveAttributeAsync("data-area", new System.Text.RegularExpressions.Regex("^[0-9]{5}$"), new() { Timeout = 10_000 });
        var commune = (await dot.GetAttributeAsync("data-area"))!;

        await MapPage.PublishOfflineAsync(_server.BrokerPort, device, "environment");

        await Assertions.Expect(page.Locator($"#map .ring[data-code='{commune}']")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator($"#map circle.area[data-code='{commune}']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("incident"));
        await Assertions.Expect(page.Locator($"#map .area-label.incident[data-code='{commune}']")).ToHaveCountAsync(1);
        var labels = await MapPage.LabelsAsync(page);
        Assert.Equal(commune, labels.Codes[0]);
        Assert.Equal(0, labels.Overlaps);
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "wall-map-incident-1920x1080.png") });
    }
}
