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
        await Assertions.Expect(page.Locator("#map-approximate")).ToHaveTextAsync(english ? "Commune and ward positions are approximate" : "Vị trí xã, phường chỉ mang tính minh họa");
        await Assertions.Expect(page.Locator("#map-attribution")).ToContainTextAsync("Open Development Mekong");
        await Assertions.Expect(page.Locator("#title-sub")).ToHaveTextAsync("Tỉnh Đồng Tháp");
        await Assertions.Expect(page.Locator(".uplot")).ToHaveCountAsync(3);
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, $"wall-map-{width}x{height}{(english ? "-en" : "")}.png") });
        MapPage.AssertNoErrors(page);
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
        var name = (await page.Locator($"#map circle.area[data-code='{commune}'] title").TextContentAsync())!;
        await Assertions.Expect(page.Locator($"#ticker li[data-device='{device}']")).ToContainTextAsync(name); // the pack's name, not a tag
        var labels = await MapPage.LabelsAsync(page);
        Assert.Equal(commune, labels.Codes[0]);
        Assert.Equal(0, labels.Overlaps);
        var coversRing = await page.EvaluateAsync<bool>("""
            code => {
              // In the map's own coordinates, the ring at rest (its pulse scales it for a moment and fades).
              const l = document.querySelector(`#map .area-label.incident[data-code='${code}']`).getBBox();
              const ring = document.querySelector(`#map .ring[data-code='${code}']`);
              const [cx, cy, r] = ['cx', 'cy', 'r'].map(a => parseFloat(ring.getAttribute(a)));
              return l.x < cx + r && l.x + l.width > cx - r && l.y < cy + r && l.y + l.height > cy - r;
            }
            """, commune);
        Assert.False(coversRing, "the incident's label sits beside its ring, not over it");
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "wall-map-incident-1920x1080.png") });
        MapPage.AssertNoErrors(page);
    }

    [Fact]
    public async Task TheConsolesAreaSearch_FindsACommuneTypedWithoutDiacritics_AndFiltersTheIncidentsByIt()
    {
        var device = await MapPage.FirstDeviceAsync(_server, "environment");
        await MapPage.PublishOfflineAsync(_server.BrokerPort, device, "environment");
        var page = await _chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        MapPage.WatchErrors(page);
        await page.GotoAsync(new Uri(_server.BaseUrl, "console").ToString());
        await page.SignInAsync("admin", DashboardProcess.AdminPassword);
        await page.Locator("#map[data-ready=true]").WaitForAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#map circle.area.point")).ToHaveCountAsync(Communes);
        var row = page.Locator("#incidents tbody tr[data-id]", new() { HasText = device });
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        var dot = page.Locator($"#map circle.device[data-id='{device}']");
        await Assertions.Expect(dot).ToHaveAttributeAsync("data-area", new System.Text.RegularExpressions.Regex("^[0-9]{5}$"), new() { Timeout = 10_000 });
        var commune = (await dot.GetAttributeAsync("data-area"))!;

        // Typed without diacritics, with the keyboard only.
        await page.Locator("#f-area").PressSequentiallyAsync("dao thanh");
        await Assertions.Expect(page.Locator("#f-area-list [role=option]").First).ToHaveTextAsync("Phường Đạo Thạnh");
        await Assertions.Expect(page.Locator("#f-area")).ToHaveAttributeAsync("aria-activedescendant", "f-area-opt-28249");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#f-area")).ToHaveValueAsync("Phường Đạo Thạnh");
        await Assertions.Expect(page.Locator("#map circle.area.selected[data-code='28249']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#map")).ToHaveAttributeAsync("data-focus", "28249", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("#map")).Not.ToHaveAttributeAsync("data-zoom", "1.00");
        await Assertions.Expect(row).ToHaveCountAsync(commune == "28249" ? 1 : 0);

        // The incident's own commune (its device's, found on the map) brings it back; Escape twice clears the filter.
        var name = (await page.Locator($"#map circle.area[data-code='{commune}'] title").TextContentAsync())!;
        await page.Locator("#f-area").FillAsync("");
        await page.Locator("#f-area").PressSequentiallyAsync(WithoutDiacritics(name));
        await page.Locator($"#f-area-opt-{commune}").ClickAsync();
        await Assertions.Expect(page.Locator("#f-area")).ToHaveValueAsync(name);
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#map")).ToHaveAttributeAsync("data-focus", commune, new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator($"#map .ring[data-code='{commune}']")).ToHaveCountAsync(1);
        Assert.Equal(await page.Locator("#incidents tbody tr[data-id]").CountAsync(), await page.Locator("#incidents tbody tr[data-id]", new() { HasText = name }).CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "console-map-1920x1080.png") });
        await row.ClickAsync();
        // The evidence chart beside the map's scripts: drawn, or (a device a few seconds old) its one interval said in words.
        await Assertions.Expect(page.Locator("#d-chart")).ToHaveAttributeAsync("data-chart", new System.Text.RegularExpressions.Regex("^(drawn|one)$"), new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("#map")).ToBeInViewportAsync(new() { Ratio = 0.1f }); // the detail does not push the map off the page
        await page.Locator("#f-area").FocusAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#f-area")).ToHaveValueAsync("");
        await Assertions.Expect(page.Locator("#map circle.area.selected")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#map")).ToHaveAttributeAsync("data-focus", "", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("#map")).ToHaveAttributeAsync("data-zoom", "1.00");
        MapPage.AssertNoErrors(page);
    }

    private static string WithoutDiacritics(string text) =>
        new string([.. text.Normalize(System.Text.NormalizationForm.FormD).Where(ch => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(ch) != System.Globalization.UnicodeCategory.NonSpacingMark)])
            .Replace('đ', 'd').Replace('Đ', 'D');
}
