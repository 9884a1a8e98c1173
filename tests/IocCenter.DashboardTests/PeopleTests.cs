using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IocCenter.Dashboard.Security;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace IocCenter.DashboardTests;

/// <summary>
/// People and their sessions, against the all-in-one host in process: the hub refuses other sites' pages, a session
/// ends for good (log out, new password, disabled, deleted, new role), admins manage people but never remove the last
/// admin, only local return addresses, names and passwords checked with clear 400s. Sessions are re-checked on every
/// request here (<c>SessionCheckInterval</c> zero); <see cref="SessionCheckTests"/> covers the interval with fake time.
/// </summary>
public sealed class PeopleTests : IAsyncLifetime
{
    private const string AdminPassword = "people-tests-Cao-Lãnh-2026";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "iocc-people-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<HubConnection> _connections = [];
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        var brokerPort = TestSupport.FreePort();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("AllInOne:BrokerPort", brokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("AllInOne:BrokerAddress", "127.0.0.1");
            web.UseSetting("AllInOne:DataPath", _data);
            web.UseSetting("Simulator:Traffic", "2");
            web.UseSetting("Simulator:Environment", "1");
            web.UseSetting("Simulator:Connectivity", "1");
            web.UseSetting("Simulator:Prefix", "pt");
            web.UseSetting("Analytics:MlEnabled", "false");
            web.UseSetting("Dashboard:AdminPassword", AdminPassword);
            web.UseSetting("Dashboard:SessionCheckInterval", "00:00:00");
            web.UseSetting("Dashboard:AllowedOrigins:0", "https://ioc.dongthap.example");
        });
        _ = _factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var c in _connections)
        {
            await c.DisposeAsync();
        }

        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<(string Cookie, HttpClient Client)> LoginAsync(string user, string password)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await TestSupport.LoginAsync(client, user, password);
        var cookie = string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var csrf = await client.GetAsync("/api/antiforgery");
        if (csrf.IsSuccessStatusCode)
        {
            client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", (await csrf.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        }

        return (cookie, client);
    }

    /// <summary>A client that sends only the given cookie (a copy of it, as a thief would hold it).</summary>
    private HttpClient WithCookie(string cookie)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    private static async Task<long> CreateAsync(HttpClient admin, string userName, string role, string password)
    {
        var created = await admin.PostAsJsonAsync("/api/users", new { userName, role, password });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private async Task<HubConnection> ConnectAsync(string cookie, string? origin)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_factory.Server.BaseAddress, "hubs/ioc"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.WebSocketFactory = async (context, token) =>
                {
                    var client = _factory.Server.CreateWebSocketClient();
                    client.ConfigureRequest = r =>
                    {
                        r.Headers.Cookie = cookie;
                        if (origin is not null)
                        {
                            r.Headers.Origin = origin;
                        }
                    };
                    return await client.ConnectAsync(context.Uri, token);
                };
            })
            .Build();
        _connections.Add(connection);
        await connection.StartAsync();
        return connection;
    }

    [Fact]
    public async Task TheHub_RefusesAWebSocketFromAForeignOrigin_WithAnOfficersCookie_AndAcceptsTheSiteItself()
    {
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        await CreateAsync(admin, "truc-ban-goc", "officer", "truc-ban-goc-2026");
        var (cookie, _) = await LoginAsync("truc-ban-goc", "truc-ban-goc-2026");

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(cookie, "http://evil.example"));
        Assert.Contains("403", refused.ToString(), StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(cookie, "null"));
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(cookie, "http://localhost.evil.example"));

        // Negotiation (the long-polling and SSE way in) too.
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/hubs/ioc/negotiate?negotiateVersion=1");
        negotiate.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await WithCookie(cookie).SendAsync(negotiate)).StatusCode);

        // The site itself (the test host is http://localhost), a configured origin, and a program that sends none.
        Assert.Equal(HubConnectionState.Connected, (await ConnectAsync(cookie, "http://localhost")).State);
        Assert.Equal(HubConnectionState.Connected, (await ConnectAsync(cookie, "https://ioc.dongthap.example")).State);
        Assert.Equal(HubConnectionState.Connected, (await ConnectAsync(cookie, null)).State);
    }

    [Fact]
    public async Task AViewerOpeningTheConsole_Gets403_WithAPageThatSaysWhy_NotTheLoginAgain()
    {
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        await CreateAsync(admin, "man-hinh-3", "viewer", "man-hinh-3-2026-xem");
        var (_, viewer) = await LoginAsync("man-hinh-3", "man-hinh-3-2026-xem");

        foreach (var (path, said) in new[] { ("/console", "không có quyền mở trang này"), ("/device?id=x", "người xem"), ("/console?lang=en", "not open to your account") })
        {
            var page = await viewer.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
            Assert.Contains(said, WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        // The API keeps its bare 403 (no page for a program).
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/users", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task AnAdminWhoOpensAWallLinkInTheSameBrowser_IsStillAnAdminToTheConsole()
    {
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        var made = await admin.PostAsync("/api/kiosk-tokens", new StringContent("""{"name":"thử màn hình"}""", System.Text.Encoding.UTF8, "application/json"));
        made.EnsureSuccessStatusCode();
        var link = new Uri((await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!);

        var wall = await admin.GetAsync(link.PathAndQuery); // sets the kiosk cookie beside the admin's own
        Assert.True(wall.IsSuccessStatusCode, $"the wall link answered {wall.StatusCode}");
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/me");

        Assert.Equal("admin", me.GetProperty("role").GetString());
        Assert.Equal("admin", me.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"userName\":5}")]
    [InlineData("")]
    public async Task ABodyTheApiCannotRead_Answers400_WithWhatIsWrong(string body)
    {
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        var response = await admin.PostAsync("/api/users", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("Yêu cầu không hợp lệ", text, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogOut_EndsEveryCopyOfTheCookie()
    {
        var (cookie, client) = await LoginAsync("admin", AdminPassword);
        using var thief = WithCookie(cookie);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/api/me")).StatusCode);

        // Without its anti-forgery token (a page on a sibling port posting the form): refused, the session lives on.
        using (var forged = WithCookie(cookie))
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await forged.PostAsync("/logout", new FormUrlEncodedContent([]))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/api/me")).StatusCode);
        var loggedOut = await client.PostAsync("/logout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Redirect, loggedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync("/api/me")).StatusCode);
        Assert.Contains("/login", (await thief.GetAsync("/console")).Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminsChange_EndsThePersonsSessions_ClosesTheirHub_AndRefusesTheirHubCalls()
    {
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        var id = await CreateAsync(admin, "can-bo-a", "officer", "can-bo-a-2026-dem");
        var changes = new (string What, Func<Task<HttpResponseMessage>> Change, string Password)[]
        {
            ("role", () => admin.PutAsJsonAsync($"/api/users/{id}/role", new { role = "viewer" }), "can-bo-a-2026-dem"),
            ("password", () => admin.PutAsJsonAsync($"/api/users/{id}/password", new { password = "mat-khau-moi-2026" }), "can-bo-a-2026-dem"),
            ("disabled", () => admin.PutAsJsonAsync($"/api/users/{id}/disabled", new { disabled = true }), "mat-khau-moi-2026"),
        };

        foreach (var (what, change, password) in changes)
        {
            var (cookie, _) = await LoginAsync("can-bo-a", password);
            using var session = WithCookie(cookie);
            var hub = await ConnectAsync(cookie, "http://localhost");
            var closed = new TaskCompletionSource();
            hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

            Assert.Equal(HttpStatusCode.NoContent, (await change()).StatusCode);

            Assert.True(HttpStatusCode.Unauthorized == (await session.GetAsync("/api/me")).StatusCode, what + ": the old cookie still works");
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        // Disabled: the right password does not sign in; enabled again it does; deleted, never again.
        Assert.Equal(HttpStatusCode.Unauthorized, (await TestSupport.TryLoginAsync(_factory.CreateClient(), "can-bo-a", "mat-khau-moi-2026")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/users/{id}/disabled", new { disabled = false })).StatusCode);
        var (last, _) = await LoginAsync("can-bo-a", "mat-khau-moi-2026");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/users/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(last).GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TestSupport.TryLoginAsync(_factory.CreateClient(), "can-bo-a", "mat-khau-moi-2026")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/users/{id}")).StatusCode);
    }

    [Fact]
    public async Task AHubConnection_WhoseSessionEnded_CannotAct_EvenBeforeItIsClosed()
    {
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        var id = await CreateAsync(admin, "can-bo-b", "officer", "can-bo-b-2026-dem");
        var (cookie, _) = await LoginAsync("can-bo-b", "can-bo-b-2026-dem");
        var hub = await ConnectAsync(cookie, null);

        // Another instance sharing the database ends the session: this one has not swept yet.
        _factory.Services.GetRequiredService<UserStore>().EndSessions(id);

        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync<JsonElement>("Acknowledge", 1L, "sau khi hết phiên"));
        Assert.Contains("Phiên đăng nhập đã hết hiệu lực", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLastEnabledAdmin_CannotBeDisabledDeletedOrDemoted_ASecondOneCan()
    {
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        var me = (await admin.GetFromJsonAsync<JsonElement>("/api/users")).EnumerateArray().Single(u => u.GetProperty("userName").GetString() == "admin").GetProperty("id").GetInt64();

        foreach (var refused in new[]
        {
            await admin.PutAsJsonAsync($"/api/users/{me}/disabled", new { disabled = true }),
            await admin.PutAsJsonAsync($"/api/users/{me}/role", new { role = "officer" }),
            await admin.DeleteAsync($"/api/users/{me}"),
        })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("quản trị viên cuối cùng", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var list = await admin.GetAsync("/api/users"); // still an admin, still signed in
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.DoesNotContain("stamp", await list.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase); // never sent out
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync($"/api/users/{me}/disabled", new { })).StatusCode);

        var second = await CreateAsync(admin, "quan-tri-2", "admin", "quan-tri-hai-2026");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/users/{me}/role", new { role = "officer" })).StatusCode);
        var (_, other) = await LoginAsync("quan-tri-2", "quan-tri-hai-2026");
        Assert.Equal(HttpStatusCode.BadRequest, (await other.DeleteAsync($"/api/users/{second}")).StatusCode);
    }

    [Fact]
    public async Task ChangingMyPassword_EndsMyOtherSessions_KeepsThisOne_AndTheOldPasswordNoLongerWorks()
    {
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        await CreateAsync(admin, "nguoi-xem-c", "viewer", "nguoi-xem-c-2026");
        var (elsewhere, _) = await LoginAsync("nguoi-xem-c", "nguoi-xem-c-2026");
        var (_, browser) = await LoginAsync("nguoi-xem-c", "nguoi-xem-c-2026");

        async Task<HttpResponseMessage> ChangeAsync(string current, string next, string confirm)
        {
            var page = await browser.GetStringAsync("/account/password");
            var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
            return await browser.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["currentPassword"] = current, ["newPassword"] = next, ["confirmPassword"] = confirm,
            }));
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await ChangeAsync("sai-mat-khau-2026", "mat-khau-moi-c-2026", "mat-khau-moi-c-2026")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ChangeAsync("nguoi-xem-c-2026", "mat-khau-moi-c-2026", "khac-nhau-2026")).StatusCode);
        var weak = await ChangeAsync("nguoi-xem-c-2026", "nguoi-xem-c", "nguoi-xem-c");
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("trùng với tên đăng nhập", WebUtility.HtmlDecode(await weak.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var changed = await ChangeAsync("nguoi-xem-c-2026", "mat-khau-moi-c-2026", "mat-khau-moi-c-2026");

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains("Đã đổi mật khẩu", WebUtility.HtmlDecode(await changed.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(elsewhere).GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TestSupport.TryLoginAsync(_factory.CreateClient(), "nguoi-xem-c", "nguoi-xem-c-2026")).StatusCode);
        await LoginAsync("nguoi-xem-c", "mat-khau-moi-c-2026");

        // Only a signed-in person has the page; a stranger goes to the login.
        var stranger = await _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync("/account/password");
        Assert.Equal(HttpStatusCode.Redirect, stranger.StatusCode);
        Assert.Contains("/login", stranger.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/\\evil.com")]
    [InlineData("//evil.com")]
    [InlineData("http://evil.com")]
    [InlineData("https:/evil.com")]
    [InlineData("/\t/evil.com")]
    [InlineData("/\u00e9x")] // non-ASCII: no Location header can carry it (it answered 500 after a good password)
    [InlineData("/x\u202e")]
    [InlineData("/ x")]
    public async Task Login_RedirectsOnlyToALocalPath(string returnUrl)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.DoesNotContain("evil.com", page, StringComparison.Ordinal);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["userName"] = "admin", ["password"] = AdminPassword, ["returnUrl"] = returnUrl,
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location!.OriginalString);

        var local = await LoginRedirectAsync("/device?id=pt-trf-29905-1");
        Assert.Equal("/device?id=pt-trf-29905-1", local);
    }

    private async Task<string> LoginRedirectAsync(string returnUrl)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["userName"] = "admin", ["password"] = AdminPassword, ["returnUrl"] = returnUrl,
        }));
        return response.Headers.Location!.OriginalString;
    }

    [Fact]
    public async Task BadNamesAndPasswords_Answer400WithWhatIsWrong()
    {
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        var cases = new (string Path, object Body, string Expect)[]
        {
            ("/api/users", new { userName = "   ", role = "officer", password = "mot-mat-khau-tot-2026" }, "để trống"),
            ("/api/users", new { userName = new string('a', 5000), role = "officer", password = "mot-mat-khau-tot-2026" }, "dài quá 64"),
            ("/api/users", new { userName = "tab\there", role = "officer", password = "mot-mat-khau-tot-2026" }, "không in được"),
            ("/api/users", new { userName = "lap-lai", role = "officer", password = "aaaaaaaaaa" }, "lặp lại một ký tự"),
            ("/api/users", new { userName = "pho-bien", role = "officer", password = "qwertyuiop" }, "phổ biến"),
            ("/api/users", new { userName = "trung-ten-dn", role = "officer", password = "trung-ten-dn" }, "trùng với tên đăng nhập"),
            ("/api/users", new { userName = "vai-tro", role = "chief", password = "mot-mat-khau-tot-2026" }, "Vai trò"),
            ("/api/users", new { }, "để trống"),
            ("/api/kiosk-tokens", new { name = "" }, "để trống"),
            ("/api/kiosk-tokens", new { name = " \u00a0 " }, "để trống"),
            ("/api/kiosk-tokens", new { }, "để trống"),
        };

        foreach (var (path, body, expect) in cases)
        {
            var response = await admin.PostAsJsonAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} {JsonSerializer.Serialize(body)[..Math.Min(80, JsonSerializer.Serialize(body).Length)]}: {(int)response.StatusCode} {text}");
            Assert.Contains(expect, System.Text.RegularExpressions.Regex.Unescape(text), StringComparison.Ordinal);
        }

        // Trimmed, then stored as trimmed.
        await CreateAsync(admin, "  ten-co-khoang-trang  ", "viewer", "mot-mat-khau-tot-2026");
        Assert.Contains((await admin.GetFromJsonAsync<JsonElement>("/api/users")).EnumerateArray(), u => u.GetProperty("userName").GetString() == "ten-co-khoang-trang");

        // The login form: a whitespace or overlong name is a 400, never a 500.
        Assert.Equal(HttpStatusCode.BadRequest, (await TestSupport.TryLoginAsync(_factory.CreateClient(), "   ", "x")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await TestSupport.TryLoginAsync(_factory.CreateClient(), new string('x', 5000), "x")).StatusCode);
    }

    [Fact]
    public async Task AnyGeneratedName_OrPassword_NeverAnswers500()
    {
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        var target = await CreateAsync(admin, "dat-lai-mat-khau", "viewer", "dat-lai-mat-khau-2026");
        var random = new Random(20261202);
        var errors = new List<string>();
        for (var i = 0; i < 150; i++)
        {
            var userName = Hostile.String(random);
            var password = Hostile.String(random);
            var name = Hostile.String(random);
            foreach (var (what, response) in new[]
            {
                ("user", await admin.PostAsJsonAsync("/api/users", new { userName, displayName = name, role = i % 2 == 0 ? "viewer" : name, password })),
                ("kiosk", await admin.PostAsJsonAsync("/api/kiosk-tokens", new { name })),
                ("reset", await admin.PutAsJsonAsync($"/api/users/{target}/password", new { password = password + "x" })),
                ("login", await TestSupport.TryLoginAsync(_factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), userName, password)),
            })
            {
                if ((int)response.StatusCode >= 500)
                {
                    errors.Add($"{what}: {(int)response.StatusCode} for {JsonSerializer.Serialize(new { userName, password, name })}");
                }
            }
        }

        Assert.Empty(errors);
    }

    [Fact]
    public async Task MetricsAndOpenApi_AnswerAnonymouslyOnlyOnLoopback()
    {
        foreach (var path in new[] { "/metrics", "/openapi/v1.json" })
        {
            var remote = await _factory.Server.SendAsync(c => { c.Request.Path = path; c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7"); });
            Assert.Equal(401, remote.Response.StatusCode);
            var mapped = await _factory.Server.SendAsync(c => { c.Request.Path = path; c.Connection.RemoteIpAddress = IPAddress.Parse("::ffff:10.1.2.3"); });
            Assert.Equal(401, mapped.Response.StatusCode);
            var local = await _factory.Server.SendAsync(c => { c.Request.Path = path; c.Connection.RemoteIpAddress = IPAddress.Loopback; });
            Assert.Equal(200, local.Response.StatusCode);
            var local6 = await _factory.Server.SendAsync(c => { c.Request.Path = path; c.Connection.RemoteIpAddress = IPAddress.IPv6Loopback; });
            Assert.Equal(200, local6.Response.StatusCode);
        }
    }
}

/// <summary>Strings a hostile tester would type: blanks, control and format characters, broken surrogates, huge ones, emoji, Vietnamese.</summary>
internal static class Hostile
{
    private static readonly string[] Pieces =
    [
        " ", "\t", "\n", "\r\n", "\0", "\u00a0", "\u200b", "\u202e", "\ufeff", "\ud800", "\udc00", "😀", "a", "A", "Đ", "ệ", "ư", "1", "/", "\\",
        "\"", "'", "<", ">", "&", "%", "{", "}", "admin", "password", "..", "\u2028", "\uffff", "\u0301", "ﷺ", "null",
    ];

    public static string String(Random random)
    {
        var shape = random.Next(10);
        if (shape == 0)
        {
            return string.Empty;
        }

        if (shape == 1)
        {
            return new string(Pieces[random.Next(Pieces.Length)][0], random.Next(1, 6000));
        }

        var builder = new System.Text.StringBuilder();
        var parts = random.Next(1, shape * 12);
        for (var i = 0; i < parts; i++)
        {
            builder.Append(random.Next(4) == 0 ? (char)random.Next(0, 0x10000) : Pieces[random.Next(Pieces.Length)]);
        }

        return builder.ToString();
    }
}
