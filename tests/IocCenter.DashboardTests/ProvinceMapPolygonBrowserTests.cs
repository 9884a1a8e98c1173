using Microsoft.Playwright;

namespace IocCenter.DashboardTests;

/// <summary>
/// The wall's province map with a pack of real polygons (tests/shared/provinces/map-test: six areas, one a
/// MultiPolygon, counter-clockwise rings as RFC 7946 has them): the outline and one filled path per area, devices
/// found in their polygon, labels that do not overlap, and no approximate-positions notice.
/// </summary>
public sealed class ProvinceMapPolygonBrowserTests : IAsyncLifetime
{
    private readonly DashboardProcess _server = new();
    private DebianChromium _chromium = null!;

    private static string Pack => Path.Combine(DashboardProcess.RepositoryRoot, "tests", "shared", "provinces", "map-test");

    public async Task InitializeAsync()
    {
        await _server.StartAsync("--Province:Path=" + Pack);
        _chromium = await DebianChromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(1920, 1080)]
    [InlineData(3840, 2160)]
    public async Task TheWall_DrawsTheOutlineAndOnePolygonPerArea_WithoutTheApproximateNotice(int width, int height)
    {
        var page = await MapPage.OpenWallAsync(_chromium, _server, width, height);
        var devices = DashboardProcess.Traffic + DashboardProcess.Environment + DashboardProcess.Connectivity;

        await Assertions.Expect(page.Locator("#map path.outline")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#map path.area")).ToHaveCountAsync(6);
        await Assertions.Expect(page.Locator("#map circle.area")).ToHaveCountAsync(0);
        // Every area polygon is drawn as a small region of the map, not the whole globe (a ring the wrong way round).
        var shares = await page.EvaluateAsync<double[]>("""
            () => { const map = document.getElementById('map').getBoundingClientRect();
                    return [...document.querySelectorAll('#map path.area')].map(p => { const b = p.getBoundingClientRect(); return (b.width * b.height) / (map.width * map.height); }); }
            """);
        Assert.All(shares, share => Assert.InRange(share, 0.02, 0.5));
        var (w, h, inside) = await MapPage.OutlineFitAsync(page);
        Assert.True(inside, "the outline leaves the map");
        Assert.True(w > 0.8 || h > 0.8, $"the outline does not fill the map: {w:P0} × {h:P0}");

        // The test fleet stands at the old district centres, inside the grid: each device is found in a polygon.
        await Assertions.Expect(page.Locator("#map circle.device[data-area^='9000']")).ToHaveCountAsync(devices, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#map path.area[data-state=ok]")).Not.ToHaveCountAsync(0, new() { Timeout = 15_000 });

        var labels = await MapPage.LabelsAsync(page);
        Assert.Equal(6, labels.Count);
        Assert.Equal(0, labels.Overlaps);
        await Assertions.Expect(page.Locator("#map-approximate")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#title-sub")).ToHaveTextAsync("Tỉnh Thử Bản Đồ");
        await Assertions.Expect(page.Locator("#map-attribution")).ToContainTextAsync("Made-up test data");
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, $"wall-map-polygons-{width}x{height}.png") });
        MapPage.AssertNoErrors(page);
    }
}
