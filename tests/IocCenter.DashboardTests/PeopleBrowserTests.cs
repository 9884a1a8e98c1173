using System.Text;
using Microsoft.Playwright;

namespace IocCenter.DashboardTests;

/// <summary>
/// People in Debian's Chromium (Playwright) against the all-in-one host as a real process: an admin manages people on
/// the admin page and the person's open console ends; a page on a sibling origin (same site, so the Strict cookie
/// goes along) cannot open the hub. Screenshots of the admin page in Vietnamese and English at 1920×1080 go to
/// artifacts/screenshots.
/// </summary>
public sealed class PeopleBrowserTests : IAsyncLifetime
{
    private readonly DashboardProcess _server = new();
    private DebianChromium _chromium = null!;

    public async Task InitializeAsync()
    {
        await _server.StartAsync();
        _chromium = await DebianChromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<IPage> SignInAsync(string path, string user, string password, string host = "127.0.0.1")
    {
        var context = await _chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"http://{host}:{_server.WebPort}{path}");
        await page.SignInAsync(user, password);
        return page;
    }

    private static async Task CreateAsync(HttpClient admin, string userName, string displayName, string role, string password)
    {
        var body = System.Text.Json.JsonSerializer.Serialize(new { userName, displayName, role, password });
        (await admin.PostAsync("api/users", new StringContent(body, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task AnAdminChangesAnOfficersRole_TheirOpenConsoleGoesToTheLogin_AndTheLastAdminIsKept()
    {
        using (var api = await _server.AdminAsync())
        {
            await CreateAsync(api, "truc-ban-b", "Nguyễn Thị Bình", "officer", "truc-ban-b-2026-dem");
            await CreateAsync(api, "man-hinh-p2", "Màn hình phòng 2", "viewer", "man-hinh-p2-2026");
            await CreateAsync(api, "lanh-dao", "Trần Văn Lãnh", "officer", "lanh-dao-2026-xem");
        }

        var officer = await SignInAsync("/console", "truc-ban-b", "truc-ban-b-2026-dem");
        await Assertions.Expect(officer.Locator("#who")).ToContainTextAsync("Nguyễn Thị Bình", new() { Timeout = 10_000 });
        await Assertions.Expect(officer.Locator("#my-password")).ToHaveTextAsync("Đổi mật khẩu");

        var admin = await SignInAsync("/admin", "admin", DashboardProcess.AdminPassword);
        admin.Dialog += (_, dialog) => dialog.AcceptAsync();
        await Assertions.Expect(admin.Locator("#title")).ToHaveTextAsync("Quản trị", new() { Timeout = 10_000 });
        var row = admin.Locator("#users tbody tr[data-user='truc-ban-b']");
        await Assertions.Expect(row).ToContainTextAsync("Đang hoạt động");

        await row.Locator("select").SelectOptionAsync("viewer");

        await Assertions.Expect(admin.Locator("#people-done")).ToHaveTextAsync("Đã đổi vai trò; người đó cần đăng nhập lại.");
        try
        {
            // Polls the page's address: a navigation that already happened counts (waiting for its load state did
            // not, when the console had gone to the login before the wait began).
            await Assertions.Expect(officer).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"), new() { Timeout = 20_000 });
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            await officer.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "people-officer-failed.png") });
            throw new TimeoutException($"the officer's console stayed at {officer.Url}:\n{_server.Output}");
        }

        // Disable one, and try to disable oneself, the only admin: refused with why.
        await admin.ClickAsync("#users tbody tr[data-user='man-hinh-p2'] button[data-toggle]");
        await Assertions.Expect(admin.Locator("#users tbody tr[data-user='man-hinh-p2']")).ToContainTextAsync("Đã khóa");
        await admin.ClickAsync("#users tbody tr[data-user='admin'] button[data-toggle]");
        await Assertions.Expect(admin.Locator("#people-error")).ToContainTextAsync("quản trị viên cuối cùng");
        await Assertions.Expect(admin.Locator("#users tbody tr[data-user='admin']")).ToContainTextAsync("Đang hoạt động");

        // A weak reset is refused with why; a good one is taken.
        await admin.SelectOptionAsync("#reset-password select[name=id]", new SelectOptionValue { Label = "lanh-dao" });
        await admin.FillAsync("#reset-password input[name=password]", "aaaaaaaaaaaa");
        await admin.ClickAsync("#reset");
        await Assertions.Expect(admin.Locator("#reset-error")).ToContainTextAsync("lặp lại một ký tự");
        await admin.Mouse.MoveAsync(0, 0);
        await admin.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "admin-people-vi-1920x1080.png") });

        await admin.GotoAsync(new Uri(_server.BaseUrl, "admin?lang=en").ToString());
        await Assertions.Expect(admin.Locator("#title")).ToHaveTextAsync("Administration");
        await Assertions.Expect(admin.Locator("#users tbody tr[data-user='man-hinh-p2']")).ToContainTextAsync("Disabled");
        await admin.ClickAsync("#users tbody tr[data-user='admin'] button[data-toggle]");
        await Assertions.Expect(admin.Locator("#people-error")).ToContainTextAsync("The last enabled admin");
        await admin.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "admin-people-en-1920x1080.png") });
    }

    [Fact]
    public async Task APageOnASiblingOrigin_CannotOpenTheHub_WithTheOfficersCookie_TheSiteItselfCan()
    {
        // Signed in at http://localhost:port: its Strict cookie also goes with requests from http://localhost:other-port
        // (the same site), so SameSite alone would let that page in.
        var console = await SignInAsync("/console", "admin", DashboardProcess.AdminPassword, host: "localhost");
        await Assertions.Expect(console.Locator("#who")).ToContainTextAsync("admin", new() { Timeout = 10_000 });
        const string Probe = """
            url => new Promise(done => {
              const socket = new WebSocket(url);
              socket.onopen = () => { socket.close(); done('open'); };
              socket.onerror = () => done('refused');
              setTimeout(() => done('timeout'), 8000);
            })
            """;
        var hub = $"ws://localhost:{_server.WebPort}/hubs/ioc";
        Assert.Equal("open", await console.EvaluateAsync<string>(Probe, hub));

        var sibling = await console.Context.NewPageAsync();
        var evil = $"http://localhost:{TestSupport.FreePort()}/";
        await sibling.RouteAsync(evil + "**", route => route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<!DOCTYPE html><title>trang lạ</title>" }));
        await sibling.GotoAsync(evil);

        Assert.Equal("refused", await sibling.EvaluateAsync<string>(Probe, hub));
        var cookies = await console.Context.CookiesAsync([$"http://localhost:{_server.WebPort}/"]);
        Assert.Contains(cookies, c => c.Name == "iocc.auth"); // the cookie was there to send; the Origin is what refused it

        // The page where everyone changes their own password, linked from the console.
        await console.ClickAsync("#my-password");
        await Assertions.Expect(console.Locator("h1")).ToHaveTextAsync("Đổi mật khẩu");
        await console.FillAsync("input[name=currentPassword]", DashboardProcess.AdminPassword);
        await console.FillAsync("input[name=newPassword]", "admin");
        await console.FillAsync("input[name=confirmPassword]", "admin");
        await console.EvalOnSelectorAllAsync("input", "inputs => inputs.forEach(i => i.removeAttribute('minlength'))");
        await console.ClickAsync("button[type=submit]");
        await Assertions.Expect(console.Locator(".error")).ToContainTextAsync("Mật khẩu ngắn hơn 10 ký tự");
        await console.ScreenshotAsync(new() { Path = Path.Combine(DashboardProcess.Artifacts, "password-1920x1080.png") });
    }
}
