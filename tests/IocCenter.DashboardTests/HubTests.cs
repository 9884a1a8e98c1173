using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using IocCenter.Analytics.Incidents;
using IocCenter.Dashboard.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using System.Net.Http.Json;
using IocCenter.Dashboard.Security;
using Microsoft.Extensions.DependencyInjection;

namespace IocCenter.DashboardTests;

/// <summary>The all-in-one host in process (WebApplicationFactory; its embedded broker and fleet are real), watched through /hubs/ioc.</summary>
public sealed class HubTests : IAsyncLifetime
{
    private const string AdminPassword = "hub-tests-Đồng-Tháp-2026";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "iocc-hub-" + Guid.NewGuid().ToString("N")[..8]);
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
            web.UseSetting("Simulator:Traffic", "4");
            web.UseSetting("Simulator:Environment", "2");
            web.UseSetting("Simulator:Connectivity", "4");
            web.UseSetting("Simulator:Interval", "00:00:01");
            web.UseSetting("Simulator:Prefix", "ht");
            web.UseSetting("Analytics:MlEnabled", "false");
            web.UseSetting("Dashboard:AdminPassword", AdminPassword);
        });
        _ = _factory.Server; // start
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

    /// <summary>A wall signed in with a new kiosk token (the default), or a person with their session cookie.</summary>
    private async Task<(HubConnection Connection, Channel<object> Messages)> ConnectAsync(string? kioskToken = null, string? cookie = null)
    {
        if (kioskToken is null && cookie is null)
        {
            kioskToken = _factory.Services.GetRequiredService<UserStore>().CreateKioskToken("test wall").Secret;
        }

        var url = new Uri(_factory.Server.BaseAddress, "hubs/ioc" + (kioskToken is null ? string.Empty : "?access_token=" + Uri.EscapeDataString(kioskToken)));
        var connection = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.WebSocketFactory = async (context, token) =>
                {
                    var client = _factory.Server.CreateWebSocketClient();
                    if (cookie is not null)
                    {
                        client.ConfigureRequest = r => r.Headers.Cookie = cookie;
                    }

                    return await client.ConnectAsync(context.Uri, token);
                };
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)))
            .Build();
        var messages = Channel.CreateUnbounded<object>();
        connection.On<Snapshot>("snapshot", s => messages.Writer.TryWrite(s));
        connection.On<Delta>("delta", d => messages.Writer.TryWrite(d));
        connection.On<Incident>("incident", i => messages.Writer.TryWrite(i));
        connection.Closed += e => { messages.Writer.TryWrite(new ClosedMarker()); return Task.CompletedTask; };
        _connections.Add(connection);
        await connection.StartAsync();
        return (connection, messages);
    }

    private sealed record ClosedMarker;

    /// <summary>Signs a person in through the login form (with its anti-forgery token); returns the cookie header.</summary>
    private async Task<(string Cookie, HttpClient Client)> LoginAsync(string user, string password)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await TestSupport.LoginAsync(client, user, password);
        var cookie = string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));

        // Officers and admins act with the anti-forgery header (viewers are not given one).
        var csrf = await client.GetAsync("/api/antiforgery");
        if (csrf.IsSuccessStatusCode)
        {
            client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", (await csrf.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        }

        return (cookie, client);
    }

    private static async Task<T> NextAsync<T>(Channel<object> messages, Func<T, bool>? match = null, int seconds = 15)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var message = await messages.Reader.ReadAsync(timeout.Token);
            if (message is T typed && (match is null || match(typed)))
            {
                return typed;
            }
        }
    }

    [Fact]
    public async Task OnConnect_ASnapshotOfTheProvince_ThenDeltasWithTheFleetsReadings()
    {
        var (connection, messages) = await ConnectAsync();

        var snapshot = await NextAsync<Snapshot>(messages);
        Assert.Equal("Đồng Tháp", snapshot.Province);
        Assert.Equal(102, snapshot.Areas.Count); // the packaged Đồng Tháp: its communes
        Assert.Equal(10, snapshot.Devices.Count);
        Assert.All(snapshot.Devices, d => Assert.NotNull(d.Lat));

        // Readings go simulator → embedded broker → ingest → the screens; only changed devices are sent.
        // A screen that asks for values: the first time a device is sent it goes in full, afterwards as a change
        // (state and values, not its place).
        await connection.InvokeAsync("Watch", null, null, true);
        await NextAsync<Snapshot>(messages);
        var traffic = snapshot.Devices.Where(d => d.Domain == "traffic").Select(d => d.Id).ToHashSet();
        var delta = await NextAsync<Delta>(messages, d => d.Changes.Any(x => traffic.Contains(x.Id) && x.Values is { Count: > 0 } && x.Online));
        Assert.InRange(delta.Devices.Count + delta.Changes.Count, 1, 10);
        Assert.Contains(delta.Changes, c => traffic.Contains(c.Id) && c.Values!.ContainsKey("avg_speed_kmh") && c.Ts > 0);
        Assert.All(delta.Devices.Select(d => d.Id).Concat(delta.Changes.Select(c => c.Id)).GroupBy(id => id), g => Assert.Single(g));

        // Once a second: the tiles and a chart point.
        var tiles = await NextAsync<Delta>(messages, d => d.Kpis is not null);
        Assert.True(tiles.Kpis!.Total["traffic"] == 4 && tiles.Kpis.Total["connectivity"] == 4);
        Assert.NotNull(tiles.Chart);
    }

    [Fact]
    public async Task AWall_GetsOnlyStateChanges_AndADevicesIncidentWithinASecond()
    {
        var (_, messages) = await ConnectAsync();
        var snapshot = await NextAsync<Snapshot>(messages);
        var service = _factory.Services.GetRequiredService<IncidentService>();
        var device = snapshot.Devices.First(d => d.Domain == "traffic").Id;

        // Two whole seconds: every device has been announced once (in full); the fleet reports every second.
        await NextAsync<Delta>(messages, d => d.Kpis is not null);
        await NextAsync<Delta>(messages, d => d.Kpis is not null);
        var raised = await service.RaiseAsync(IncidentKind.Congestion, device, "29905", Severity.Critical, new Evidence("rule", 0.9, Detail: "test"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var coloured = await NextAsync<Delta>(messages, d => d.Changes.Any(c => c.Id == device && c.State == "incident"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the wall saw the incident's device after {clock.Elapsed}");
        var change = Assert.Single(coloured.Changes, c => c.Id == device);
        Assert.Equal("critical", change.Severity);
        Assert.All(coloured.Changes, c => Assert.Null(c.Values)); // a wall is sent states, not values

        await service.ResolveAsync(raised.Id, "officer-a", "xong");
        Assert.Contains((await NextAsync<Delta>(messages, d => d.Changes.Any(c => c.Id == device))).Changes, c => c.Id == device && c.State == "ok");
    }

    [Fact]
    public async Task AnIncidentAndItsAcknowledgement_ReachEveryScreen()
    {
        var (_, first) = await ConnectAsync();
        var (_, second) = await ConnectAsync();
        await NextAsync<Snapshot>(first);
        await NextAsync<Snapshot>(second);
        var service = _factory.Services.GetRequiredService<IncidentService>();

        var raised = await service.RaiseAsync(IncidentKind.Congestion, "ht-trf-29905-1", "29905", Severity.Major, new Evidence("rule", 0.9, Detail: "test"));
        await service.AcknowledgeAsync(raised.Id, "officer-a", "đã cử lực lượng");

        foreach (var screen in new[] { first, second })
        {
            var opened = await NextAsync<Incident>(screen, i => i.Id == raised.Id);
            Assert.Equal(IncidentState.Open, opened.State);
            var acknowledged = await NextAsync<Incident>(screen, i => i.Id == raised.Id && i.State == IncidentState.Acknowledged);
            Assert.Equal("officer-a", acknowledged.AcknowledgedBy);
        }
    }

    [Fact]
    public async Task Watch_NarrowsTheScreenToOneDomain()
    {
        var (connection, messages) = await ConnectAsync();
        await NextAsync<Snapshot>(messages);

        await connection.InvokeAsync("Watch", "environment", null, true);

        var snapshot = await NextAsync<Snapshot>(messages);
        Assert.Equal(2, snapshot.Devices.Count);
        Assert.All(snapshot.Devices, d => Assert.Equal("environment", d.Domain));
        var environment = snapshot.Devices.Select(d => d.Id).ToHashSet();
        var delta = await NextAsync<Delta>(messages, d => d.Devices.Count + d.Changes.Count > 0);
        Assert.All(delta.Devices, d => Assert.Equal("environment", d.Domain));
        Assert.All(delta.Changes, c => Assert.Contains(c.Id, environment));
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => connection.InvokeAsync("Watch", "weather", null, false));
    }

    [Fact]
    public async Task AnAnonymousClient_CannotConnect()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_factory.Server.BaseAddress, "hubs/ioc"), o => o.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler())
            .Build();
        _connections.Add(connection);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task AWallCannotAcknowledge_AnOfficerCan_AndEveryScreenSeesIt()
    {
        var (wall, wallMessages) = await ConnectAsync();
        await NextAsync<Snapshot>(wallMessages);
        var raised = await _factory.Services.GetRequiredService<IncidentService>().RaiseAsync(IncidentKind.SensorFault, "ht-env-29905-1", "29905", Severity.Minor, new Evidence("stuck", 1, Detail: "test"));
        await NextAsync<Incident>(wallMessages, i => i.Id == raised.Id);

        var denied = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => wall.InvokeAsync<Incident>("Acknowledge", raised.Id, "from a wall"));
        Assert.Contains("unauthorized", denied.Message, StringComparison.OrdinalIgnoreCase);

        // An officer (created by the admin through the API) acknowledges through the hub.
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        var created = await admin.PostAsJsonAsync("/api/users", new { userName = "can-bo-truc", displayName = "Cán bộ trực", role = "officer", password = "truc-dem-2026-an-toan" });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var (officerCookie, _) = await LoginAsync("can-bo-truc", "truc-dem-2026-an-toan");
        var (officer, officerMessages) = await ConnectAsync(cookie: officerCookie);
        await NextAsync<Snapshot>(officerMessages);

        var acknowledged = await officer.InvokeAsync<Incident>("Acknowledge", raised.Id, "đã kiểm tra");

        Assert.Equal(IncidentState.Acknowledged, acknowledged.State);
        Assert.Equal("can-bo-truc", acknowledged.AcknowledgedBy);
        var seen = await NextAsync<Incident>(wallMessages, i => i.Id == raised.Id && i.State == IncidentState.Acknowledged);
        Assert.Equal("can-bo-truc", seen.AcknowledgedBy);
        var audit = _factory.Services.GetRequiredService<IncidentService>().AuditTrail(raised.Id);
        Assert.Contains(audit, e => e.Actor == "can-bo-truc" && e.Comment == "đã kiểm tra");
    }

    [Fact]
    public async Task RevokingAKioskToken_DisconnectsTheWallsUsingIt_AndTheyCannotComeBack()
    {
        var users = _factory.Services.GetRequiredService<UserStore>();
        var (token, secret) = users.CreateKioskToken("phòng họp");
        var (_, messages) = await ConnectAsync(kioskToken: secret);
        await NextAsync<Snapshot>(messages);
        var (_, admin) = await LoginAsync("admin", AdminPassword);

        var revoked = await admin.DeleteAsync($"/api/kiosk-tokens/{token.Id}");

        Assert.Equal(System.Net.HttpStatusCode.NoContent, revoked.StatusCode);
        await NextAsync<ClosedMarker>(messages);
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(kioskToken: secret));
    }

    [Fact]
    public async Task IncidentsAndDevices_CarryTheirCommunesName_FromTheProvincePack()
    {
        var raised = await _factory.Services.GetRequiredService<IncidentService>().RaiseAsync(IncidentKind.AreaOutage, null, "29905", Severity.Critical, new Evidence("rule.area_outage", 1, Detail: "test"));
        var (_, admin) = await LoginAsync("admin", AdminPassword);

        var list = await admin.GetFromJsonAsync<JsonElement>("/api/incidents");
        var listed = list.EnumerateArray().Single(i => i.GetProperty("id").GetInt64() == raised.Id);
        Assert.Equal(("29905", "Phường Sa Đéc", "area:29905"), (listed.GetProperty("area").GetString(), listed.GetProperty("areaName").GetString(), listed.GetProperty("subject").GetString()));
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/incidents/{raised.Id}");
        Assert.Equal("Phường Sa Đéc", detail.GetProperty("incident").GetProperty("areaName").GetString());
        Assert.Equal("area_outage", detail.GetProperty("incident").GetProperty("kind").GetString());

        var first = IocCenter.Geography.ProvincePack.Open().Areas[0]; // the fleet's first traffic device stands in the pack's first commune
        var device = await admin.GetFromJsonAsync<JsonElement>($"/api/devices/ht-trf-{first.Code}-1");
        Assert.Equal((first.Code, first.Name), (device.GetProperty("area").GetString(), device.GetProperty("areaName").GetString()));
    }

    [Fact]
    public async Task EveryApiEndpoint_IsAuthorizedByRole_ForAnonymousKioskViewerOfficerAndAdmin()
    {
        var raised = await _factory.Services.GetRequiredService<IncidentService>().RaiseAsync(IncidentKind.Anomaly, "ht-trf-29905-3", "29905", Severity.Warning, new Evidence("spike", 0.9, Detail: "test"));
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        Assert.True((await admin.PostAsJsonAsync("/api/users", new { userName = "nguoi-xem", role = "viewer", password = "chi-xem-thoi-2026" })).IsSuccessStatusCode);
        Assert.True((await admin.PostAsJsonAsync("/api/users", new { userName = "truc-ban", role = "officer", password = "truc-ban-dem-2026" })).IsSuccessStatusCode);
        var kiosk = _factory.Services.GetRequiredService<UserStore>().CreateKioskToken("ma trận quyền").Secret;
        var callers = new (string Name, int Rank, HttpClient Client, string Query)[]
        {
            ("anonymous", 0, _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), string.Empty),
            ("kiosk", 1, _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }), "token=" + Uri.EscapeDataString(kiosk)),
            ("viewer", 1, (await LoginAsync("nguoi-xem", "chi-xem-thoi-2026")).Client, string.Empty),
            ("officer", 2, (await LoginAsync("truc-ban", "truc-ban-dem-2026")).Client, string.Empty),
            ("admin", 3, admin, string.Empty),
        };
        var fourth = IocCenter.Geography.ProvincePack.Open().Areas[3].Code;
        var endpoints = new (HttpMethod Method, string Path, int Rank, object? Body)[]
        {
            (HttpMethod.Get, "/api/me", 1, null),
            (HttpMethod.Get, "/api/incidents", 1, null),
            (HttpMethod.Get, $"/api/incidents/{raised.Id}", 1, null),
            (HttpMethod.Get, $"/api/incidents/{raised.Id}/evidence", 1, null),
            (HttpMethod.Get, "/api/devices", 1, null),
            (HttpMethod.Get, $"/api/devices/ht-trf-{fourth}-1", 1, null), // the 4th traffic device: in the 4th commune of the pack
            (HttpMethod.Get, $"/api/devices/ht-trf-{fourth}-1/history?range=1h", 1, null),
            (HttpMethod.Get, "/api/antiforgery", 2, null),
            (HttpMethod.Post, $"/api/incidents/{raised.Id}/acknowledge", 2, new { comment = "kiểm tra quyền" }),
            (HttpMethod.Post, $"/api/incidents/{raised.Id}/resolve", 2, new { comment = "kiểm tra quyền" }),
            (HttpMethod.Get, "/api/users", 3, null),
            (HttpMethod.Post, "/api/users", 3, new { userName = "", role = "viewer", password = "x" }),
            (HttpMethod.Get, "/api/kiosk-tokens", 3, null),
            (HttpMethod.Post, "/api/kiosk-tokens", 3, new { name = "tường phụ" }),
            (HttpMethod.Delete, "/api/kiosk-tokens/999999", 3, null),
            (HttpMethod.Put, "/api/users/999999/role", 3, new { role = "viewer" }),
            (HttpMethod.Put, "/api/users/999999/disabled", 3, new { disabled = true }),
            (HttpMethod.Put, "/api/users/999999/password", 3, new { password = "mot-mat-khau-tot-2026" }),
            (HttpMethod.Delete, "/api/users/999999", 3, null),
        };

        var wrong = new List<string>();
        foreach (var (method, path, rank, body) in endpoints)
        {
            foreach (var caller in callers)
            {
                var url = caller.Query.Length == 0 ? path : path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + caller.Query;
                using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
                using var response = await caller.Client.SendAsync(request);
                var code = (int)response.StatusCode;
                var expected = caller.Rank == 0 ? "401" : caller.Rank < rank ? "403" : "allowed";
                var actual = code is 401 or 403 ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : code < 500 ? "allowed" : "error " + code;
                if (actual != expected)
                {
                    wrong.Add($"{caller.Name} {method} {path}: {code}, expected {expected}");
                }
            }
        }

        Assert.Empty(wrong);
        Assert.Equal(IncidentState.Resolved, _factory.Services.GetRequiredService<IncidentService>().Find(raised.Id)!.State); // the officer's actions took effect
    }

    [Fact]
    public async Task EveryHubMethod_IsAuthorizedByRole_ForAnonymousKioskViewerOfficerAndAdmin()
    {
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        Assert.True((await admin.PostAsJsonAsync("/api/users", new { userName = "xem-hub", role = "viewer", password = "chi-xem-hub-2026" })).IsSuccessStatusCode);
        Assert.True((await admin.PostAsJsonAsync("/api/users", new { userName = "truc-hub", role = "officer", password = "truc-hub-dem-2026" })).IsSuccessStatusCode);
        var callers = new (string Name, int Rank, string? Kiosk, string? Cookie)[]
        {
            ("kiosk", 1, _factory.Services.GetRequiredService<UserStore>().CreateKioskToken("ma trận hub").Secret, null),
            ("viewer", 1, null, (await LoginAsync("xem-hub", "chi-xem-hub-2026")).Cookie),
            ("officer", 2, null, (await LoginAsync("truc-hub", "truc-hub-dem-2026")).Cookie),
            ("admin", 3, null, (await LoginAsync("admin", AdminPassword)).Cookie),
        };

        // Anonymous: not even a connection (see AnAnonymousClient_CannotConnect); with a bad kiosk token neither.
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(kioskToken: "not-a-token"));

        var incidents = _factory.Services.GetRequiredService<IncidentService>();
        var wrong = new List<string>();
        foreach (var caller in callers)
        {
            var (connection, messages) = await ConnectAsync(kioskToken: caller.Kiosk, cookie: caller.Cookie);
            await NextAsync<Snapshot>(messages); // connecting needs a viewer: every caller here has one
            var raised = await incidents.RaiseAsync(IncidentKind.Anomaly, "ht-trf-29905-0" + caller.Rank, "29905", Severity.Warning, new Evidence("spike", 0.9, Detail: "hub " + caller.Name));
            foreach (var (method, rank, call) in new (string, int, Func<Task>)[]
            {
                ("Watch", 1, () => connection.InvokeAsync("Watch", "traffic", null, false)),
                ("Acknowledge", 2, () => connection.InvokeAsync<Incident>("Acknowledge", raised.Id, "kiểm tra quyền hub")),
                ("Resolve", 2, () => connection.InvokeAsync<Incident>("Resolve", raised.Id, "kiểm tra quyền hub")),
            })
            {
                string actual;
                try
                {
                    await call();
                    actual = "allowed";
                }
                catch (Microsoft.AspNetCore.SignalR.HubException e) when (e.Message.Contains("unauthorized", StringComparison.OrdinalIgnoreCase))
                {
                    actual = "refused";
                }

                var expected = caller.Rank >= rank ? "allowed" : "refused";
                if (actual != expected)
                {
                    wrong.Add($"{caller.Name} {method}: {actual}, expected {expected}");
                }
            }

            var state = incidents.Find(raised.Id)!.State;
            Assert.Equal(caller.Rank >= 2 ? IncidentState.Resolved : IncidentState.Open, state); // a refused call changed nothing
        }

        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData("http://localhost", false)]
    [InlineData("https://localhost", true)]
    public async Task EveryPage_CarriesTheSecurityHeaders_AndTheSessionCookieIsHttpOnlyStrict_AndSecureOverHttps(string origin, bool secure)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(origin), AllowAutoRedirect = false, HandleCookies = true });
        foreach (var path in new[] { "/login", "/wall", "/api/incidents", "/hubs/ioc/negotiate" })
        {
            using var response = await client.GetAsync(path);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }

        var login = await TestSupport.LoginAsync(client, "admin", AdminPassword);
        var session = login.Headers.GetValues("Set-Cookie").Select(c => c.ToLowerInvariant()).Single(c => !c.Contains("antiforgery", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", session, StringComparison.Ordinal);
        Assert.Equal(secure, session.Contains("secure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheApi_RefusesChangesWithoutTheAntiforgeryHeader_AndViewersCannotAct()
    {
        var raised = await _factory.Services.GetRequiredService<IncidentService>().RaiseAsync(IncidentKind.Anomaly, "ht-trf-29905-2", "29905", Severity.Warning, new Evidence("spike", 0.9, Detail: "test"));
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        using var bare = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await bare.GetAsync("/api/incidents")).StatusCode);
        Assert.True((await admin.PostAsJsonAsync("/api/users", new { userName = "xem", role = "viewer", password = "chi-xem-thoi-2026" })).IsSuccessStatusCode);
        admin.DefaultRequestHeaders.Remove("X-CSRF-TOKEN");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/api/incidents/{raised.Id}/acknowledge", new { comment = "x" })).StatusCode);
        var (_, viewer) = await LoginAsync("xem", "chi-xem-thoi-2026");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await viewer.GetAsync($"/api/incidents/{raised.Id}")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"/api/incidents/{raised.Id}/acknowledge", new { comment = "x" })).StatusCode);
    }

    [Fact]
    public async Task TheApi_GivesADevicesHistoryDownsampledByTheStore_AndDescribesItselfInOpenApi()
    {
        var (_, admin) = await LoginAsync("admin", AdminPassword);
        var devices = await admin.GetFromJsonAsync<JsonElement>("/api/devices?domain=traffic");
        var device = devices[0].GetProperty("id").GetString();

        // The fleet reports every second: within a few seconds the store has readings for the last hour.
        var history = await IntegrationTests.Eventually.WaitAsync(
            () => admin.GetFromJsonAsync<JsonElement>($"/api/devices/{device}/history?metric=avg_speed_kmh&range=1h"),
            h => h.GetProperty("points").GetArrayLength() > 0,
            TimeSpan.FromSeconds(10),
            "history points");

        Assert.Equal("avg_speed_kmh", history.GetProperty("metric").GetString());
        Assert.Equal(30, history.GetProperty("bucketSeconds").GetInt64());
        var point = history.GetProperty("points")[0];
        Assert.InRange(point.GetProperty("mean").GetDouble(), point.GetProperty("min").GetDouble(), point.GetProperty("max").GetDouble());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/devices/{device}/history?range=2y")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await admin.GetAsync("/api/devices/no-such-device/history")).StatusCode);

        var openApi = await admin.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/api/incidents", "/api/incidents/{id}", "/api/incidents/{id}/acknowledge", "/api/incidents/{id}/resolve", "/api/devices", "/api/devices/{id}/history" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the OpenAPI document");
        }
    }
}
