using IocCenter.Devices;
using IocCenter.Simulators.Fleet;
using Microsoft.Playwright;

namespace IocCenter.DashboardTests;

/// <summary>
/// The wall's province map when devices carry the pack's area codes (as a registry written for the pack does) and no
/// coordinates: each device belongs to the area its code names — not to where a position would put it — and sits at
/// that area's anchor, and every area with devices is shaded by them.
/// </summary>
public sealed class ProvinceMapAreaCodeBrowserTests : IAsyncLifetime
{
    private static readonly string[] Codes = ["90001", "90002", "90003", "90004", "90005", "90006"];
    private readonly DashboardProcess _server = new();
    private readonly string _registry = Path.Combine(Path.GetTempPath(), "iocc-map-registry-" + Guid.NewGuid().ToString("N")[..8] + ".json");
    private DebianChromium _chromium = null!;
    private IReadOnlyList<DeviceRecord> _records = [];

    public async Task InitializeAsync()
    {
        var fleet = new FleetOptions { Traffic = DashboardProcess.Traffic, Environment = DashboardProcess.Environment, Connectivity = DashboardProcess.Connectivity, Prefix = "bt" };
        var pack = Path.Combine(DashboardProcess.RepositoryRoot, "tests", "shared", "provinces", "map-test");
        _records = [.. FleetPlan.Create(fleet, IocCenter.Geography.ProvincePack.Open(pack)).Select((d, i) => d.Record with { Area = Codes[i % Codes.Length], Latitude = null, Longitude = null })];
        DeviceDirectory.Save(_registry, _records);
        await _server.StartAsync("--Province:Path=" + pack, $"--Devices:RegistryPath={_registry}", "--AllInOne:BrokerAuthentication=Off");
        _chromium = await DebianChromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _server.DisposeAsync();
        File.Delete(_registry);
    }

    [Fact]
    public async Task DevicesWithAreaCodes_BelongToThoseAreas_AndSitInsideThem()
    {
        var page = await MapPage.OpenWallAsync(_chromium, _server, 1920, 1080);

        foreach (var record in _records)
        {
            await Assertions.Expect(page.Locator($"#map circle.device[data-id='{record.Id}']")).ToHaveAttributeAsync("data-area", record.Area, new() { Timeout = 10_000 });
        }

        var outside = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('#map circle.device')].filter(dot => {
              const area = document.querySelector(`#map path.area[data-code="${dot.dataset.area}"]`).getBoundingClientRect();
              const d = dot.getBoundingClientRect(), x = (d.left + d.right) / 2, y = (d.top + d.bottom) / 2;
              return !(x > area.left && x < area.right && y > area.top && y < area.bottom);
            }).map(dot => dot.dataset.id)
            """);
        Assert.Empty(outside);
        foreach (var code in Codes)
        {
            await Assertions.Expect(page.Locator($"#map path.area[data-code='{code}']")).ToHaveAttributeAsync("data-state", "ok", new() { Timeout = 15_000 });
        }

        MapPage.AssertNoErrors(page);
    }
}
