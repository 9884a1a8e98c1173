using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace IocCenter.DashboardTests;

/// <summary>
/// Issue 18, item 4 in Debian's Chromium against the all-in-one host as a real process: a duty officer (role officer,
/// not the admin) sets a maintenance window for a device from the console — from the device's incident, and by typing
/// another device's id — and the screen wall shows those devices in the maintenance colour; ending the window early
/// gives them back their own state. Also who owns an incident: the console shows the responsible agency (Sở Nông nghiệp
/// và Môi trường for an environment device) and an officer hands it to another agency. Screenshots at 1920×1080 and
/// 3840×2160 in Vietnamese and English go to artifacts/screenshots.
/// </summary>
public sealed class MaintenanceBrowserTests : IAsyncLifetime
{
    private const string Officer = "can-bo-truc";
    private const string OfficerPassword = "Truc-dem-Dong-Thap-2026";
    private const string Station = "test-env-bao-tri";

    private readonly DashboardProcess _server = new();
    private DebianChromium _chromium = null!;

    public async Task InitializeAsync()
    {
        await _server.StartAsync();
        _chromium = await DebianChromium.LaunchAsync();
        using var admin = await _server.AdminAsync();
        var created = await admin.PostAsJsonAsync("api/users", new { userName = Officer, displayName = "Nguyễn Thị Trực", role = "officer", password = OfficerPassword });
        created.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<IPage> SignInAsync(int width, int height, string query = "")
    {
        var context = await _chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(_server.BaseUrl, "console" + query).ToString());
        await page.SignInAsync(Officer, OfficerPassword);
        await Assertions.Expect(page.Locator("#who")).ToContainTextAsync("Nguyễn Thị Trực", new() { Timeout = 10_000 });
        return page;
    }

    private async Task<string> FirstTrafficDeviceAsync()
    {
        using var admin = await _server.AdminAsync();
        using var devices = JsonDocument.Parse(await admin.GetStringAsync("api/devices?domain=traffic"));
        return devices.RootElement.EnumerateArray().First().GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Officer_SetsMaintenanceForADeviceFromTheConsole_TheWallShowsItUnderMaintenance_UntilEnded()
    {
        // An environment station goes offline: a device_offline incident, owned by Sở Nông nghiệp và Môi trường.
        await MosquittoClients.PublishAsync(_server.BrokerPort, "test-" + Station, $"ioc/v1/environment/{Station}/telemetry", """{"metrics":{"pm25_ugm3":21.5,"humidity_pct":78}}""");
        await MosquittoClients.PublishAsync(_server.BrokerPort, "test-" + Station, $"ioc/v1/environment/{Station}/status", "offline", retain: true);
        var traffic = await FirstTrafficDeviceAsync();

        var wall = await (await _chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } })).NewPageAsync();
        await wall.GotoAsync(await _server.KioskLinkAsync());
        var stationOnWall = wall.Locator($"#map circle.device[data-id='{Station}']");
        await Assertions.Expect(stationOnWall).ToHaveAttributeAsync("data-state", "offline", new() { Timeout = 15_000 });

        var page = await SignInAsync(1920, 1080);
        var row = page.Locator("#incidents tbody tr", new() { HasText = Station });
        await Assertions.Expect(row).ToContainTextAsync("Sở Nông nghiệp và Môi trường", new() { Timeout = 15_000 });
        await row.ClickAsync();
        await Assertions.Expect(page.Locator("#d-facts")).ToContainTextAsync("Sở Nông nghiệp và Môi trường");

        // From the incident: the form comes filled in with the device; the officer gives the reason and saves.
        await page.ClickAsync("#d-maint");
        await Assertions.Expect(page.Locator("#maint")).ToHaveAttributeAsync("open", "");
        await Assertions.Expect(page.Locator("#m-target")).ToHaveValueAsync(Station);
        await page.FillAsync("#m-reason", "Thay cảm biến bụi, đội kỹ thuật Sở NN&MT");
        await page.ClickAsync("#m-save");
        await Assertions.Expect(page.Locator("#m-message")).ToHaveTextAsync("Đã lưu lịch bảo trì.");
        var entry = page.Locator($"#m-list li[data-target='{Station}']");
        await Assertions.Expect(entry).ToHaveAttributeAsync("data-active", "true");
        await Assertions.Expect(entry).ToContainTextAsync("Đang bảo trì, đến");
        await Assertions.Expect(entry).ToContainTextAsync("Người đặt: " + Officer);

        // By hand: a traffic device, every night for two hours from now (a recurring window that covers now).
        await page.SelectOptionAsync("#m-scope", "device");
        await page.FillAsync("#m-target", traffic);
        await page.SelectOptionAsync("#m-repeat", "daily");
        await page.FillAsync("#m-reason", "Bảo dưỡng đèn tín hiệu định kỳ");
        await page.ClickAsync("#m-save");
        var nightly = page.Locator($"#m-list li[data-target='{traffic}']");
        await Assertions.Expect(nightly).ToHaveAttributeAsync("data-active", "true", new() { Timeout = 5_000 });
        await Assertions.Expect(nightly).ToContainTextAsync("lặp lại hằng ngày lúc");
        await Assertions.Expect(page.Locator("#m-summary")).ToContainTextAsync("2 đang bảo trì");

        // The wall shows both in the maintenance colour, and says what that colour is.
        await Assertions.Expect(stationOnWall).ToHaveAttributeAsync("data-state", "maintenance", new() { Timeout = 10_000 });
        await Assertions.Expect(wall.Locator($"#map circle.device[data-id='{traffic}']")).ToHaveAttributeAsync("data-state", "maintenance", new() { Timeout = 10_000 });
        await Assertions.Expect(wall.Locator("#legend")).ToContainTextAsync("Đang bảo trì");
        await Assertions.Expect(wall.Locator("#ticker li", new() { HasText = "Sở Nông nghiệp và Môi trường" })).ToHaveCountAsync(1, new() { Timeout = 5_000 });

        // A bad window is refused with the reason, in the officer's language; nothing is saved.
        await page.SelectOptionAsync("#m-repeat", "cron");
        await page.FillAsync("#m-target", traffic);
        await page.FillAsync("#m-cron", "mỗi tối");
        await page.FillAsync("#m-duration", "60");
        await page.FillAsync("#m-reason", "thử");
        await page.ClickAsync("#m-save");
        await Assertions.Expect(page.Locator("#m-message")).ToHaveClassAsync("error");
        await Assertions.Expect(page.Locator("#m-message")).Not.ToContainTextAsync(" / ");
        await Assertions.Expect(page.Locator("#m-list li")).ToHaveCountAsync(2);

        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "console-maintenance-vi-1920x1080.png") });
        await wall.WaitForTimeoutAsync(1_000); // the map's redraw is batched to the next frame
        await wall.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "wall-maintenance-vi-1920x1080.png") });

        // Ended early: the traffic device is back to its own state on the wall.
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await nightly.Locator("button").ClickAsync();
        await Assertions.Expect(page.Locator($"#m-list li[data-target='{traffic}']")).ToHaveCountAsync(0);
        await Assertions.Expect(wall.Locator($"#map circle.device[data-id='{traffic}']")).ToHaveAttributeAsync("data-state", "ok", new() { Timeout = 10_000 });
        await Assertions.Expect(stationOnWall).ToHaveAttributeAsync("data-state", "maintenance");
    }

    [Fact]
    public async Task Officer_HandsAnIncidentToAnotherAgency_TheListAndTheAuditTrailSaySo()
    {
        await MosquittoClients.PublishAsync(_server.BrokerPort, "test-" + Station, $"ioc/v1/environment/{Station}/telemetry", """{"metrics":{"pm25_ugm3":21.5,"humidity_pct":78}}""");
        await MosquittoClients.PublishAsync(_server.BrokerPort, "test-" + Station, $"ioc/v1/environment/{Station}/status", "offline", retain: true);
        var page = await SignInAsync(1920, 1080);
        var row = page.Locator("#incidents tbody tr", new() { HasText = Station });
        await Assertions.Expect(row).ToContainTextAsync("Sở Nông nghiệp và Môi trường", new() { Timeout = 15_000 });
        await row.ClickAsync();
        await page.ClickAsync("#d-assign-title");
        await page.FillAsync("#d-assignee", "Trần Văn Kỹ Thuật");
        await page.SelectOptionAsync("#d-agency", "so-khoa-hoc-cong-nghe");
        await page.FillAsync("#d-comment", "mất điện lưới khu vực, chuyển Sở KH&CN");
        await page.ClickAsync("#d-assign-save");
        await Assertions.Expect(page.Locator("#d-audit")).ToContainTextAsync("chuyển đơn vị", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("#d-audit")).ToContainTextAsync("Sở Nông nghiệp và Môi trường → Sở Khoa học và Công nghệ");
        await Assertions.Expect(page.Locator("#d-audit")).ToContainTextAsync("giao việc");
        await Assertions.Expect(row).ToContainTextAsync("Sở Khoa học và Công nghệ");
        await Assertions.Expect(row).ToContainTextAsync("Trần Văn Kỹ Thuật");

        // Filtered by agency: the other departments' incidents leave the list, this one stays.
        await page.SelectOptionAsync("#f-agency", "so-khoa-hoc-cong-nghe");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await page.SelectOptionAsync("#f-agency", "so-xay-dung");
        await Assertions.Expect(row).ToHaveCountAsync(0);

        foreach (var (lang, width, height) in new[] { ("vi", 3840, 2160), ("en", 1920, 1080), ("en", 3840, 2160) })
        {
            var shot = await SignInAsync(width, height, lang == "en" ? "?lang=en" : "");
            await shot.Locator("#incidents tbody tr", new() { HasText = Station }).ClickAsync();
            await shot.ClickAsync("#d-maint");
            await Assertions.Expect(shot.Locator("#d-facts")).ToContainTextAsync(lang == "en" ? "Department of Science and Technology" : "Sở Khoa học và Công nghệ");
            await shot.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, $"console-maintenance-{lang}-{width}x{height}.png") });
        }
    }
}
