using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using IocCenter.Analytics.Incidents;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IocCenter.DashboardTests;

/// <summary>
/// Issue 18's API as an attacker would use it, against the all-in-one host in process: every hostile maintenance
/// window and assignment is refused with a 400 and a sentence (never a 500, never stored), a viewer cannot change
/// anything, a request without the anti-forgery header changes nothing, and what an officer does is in the audit trail.
/// The hostile bodies live here, not in tests/corpus/hostile/: that corpus is MQTT messages (topic + payload).
/// </summary>
public sealed class DutyApiTests : IAsyncLifetime
{
    private const string AdminPassword = "duty-tests-Sa-Đéc-2026";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "iocc-duty-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        var brokerPort = TestSupport.FreePort();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("AllInOne:BrokerPort", brokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("AllInOne:BrokerAddress", "127.0.0.1");
            web.UseSetting("AllInOne:DataPath", _data);
            web.UseSetting("Simulator:Traffic", "1");
            web.UseSetting("Simulator:Environment", "1");
            web.UseSetting("Simulator:Connectivity", "1");
            web.UseSetting("Simulator:Prefix", "dt");
            web.UseSetting("Analytics:MlEnabled", "false");
            web.UseSetting("Dashboard:AdminPassword", AdminPassword);
        });
        _ = _factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<HttpClient> LoginAsync(string user, string password, bool csrf = true)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await TestSupport.LoginAsync(client, user, password);
        var token = await client.GetAsync("/api/antiforgery");
        if (csrf && token.IsSuccessStatusCode)
        {
            client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        }

        return client;
    }

    private async Task<HttpClient> OfficerAsync(string role = "officer", bool csrf = true)
    {
        using var admin = await LoginAsync("admin", AdminPassword);
        var name = role + "-" + Guid.NewGuid().ToString("N")[..6];
        (await admin.PostAsJsonAsync("/api/users", new { userName = name, role, password = "Mat-khau-truc-2026" })).EnsureSuccessStatusCode();
        return await LoginAsync(name, "Mat-khau-truc-2026", csrf);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public static TheoryData<string> HostileWindows()
    {
        var now = DateTimeOffset.UtcNow;
        string At(TimeSpan offset) => (now + offset).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        return new TheoryData<string>
        {
            "",
            "null",
            "[]",
            "{}",
            "\"thiết bị\"",
            $$"""{"scope":"galaxy","target":"x","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromHours(1))}}","reason":"r"}""",
            $$"""{"scope":"device","target":"","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromHours(1))}}","reason":"r"}""",
            $$"""{"scope":"device","target":"{{new string('x', 100_000)}}","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromHours(1))}}","reason":"r"}""",
            $$"""{"scope":"device","target":"a\u0000b","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromHours(1))}}","reason":"r"}""",
            $$"""{"scope":"device","target":"x","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromHours(1))}}","reason":""}""",
            $$"""{"scope":"device","target":"x","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromHours(1))}}","reason":"{{new string('r', 5000)}}"}""",
            $$"""{"scope":"device","target":"x","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromHours(-1))}}","reason":"r"}""",
            $$"""{"scope":"device","target":"x","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromDays(400))}}","reason":"r"}""",
            """{"scope":"device","target":"x","startsAt":"0001-01-01T00:00:00Z","endsAt":"9999-12-31T23:59:59Z","reason":"r"}""",
            """{"scope":"device","target":"x","startsAt":"2026-13-45T99:00:00Z","endsAt":"2026-12-31T00:00:00Z","reason":"r"}""",
            $$"""{"scope":"device","target":"x","startsAt":"{{At(TimeSpan.Zero)}}","cron":"* * * * *","durationMinutes":5,"reason":"r"}""",
            $$"""{"scope":"device","target":"x","startsAt":"{{At(TimeSpan.Zero)}}","cron":"H H * * *","durationMinutes":5,"reason":"r"}""",
            $$"""{"scope":"device","target":"x","startsAt":"{{At(TimeSpan.Zero)}}","cron":"0 0 30 2 *","durationMinutes":5,"reason":"r"}""",
            $$"""{"scope":"device","target":"x","startsAt":"{{At(TimeSpan.Zero)}}","cron":"0 23 * * *","durationMinutes":-5,"reason":"r"}""",
            $$"""{"scope":"device","target":"x","startsAt":"{{At(TimeSpan.Zero)}}","cron":"0 23 * * *","durationMinutes":2147483647,"reason":"r"}""",
            $$"""{"scope":"device","target":"x","startsAt":"{{At(TimeSpan.Zero)}}","cron":"0 23 * * *","durationMinutes":99999999999,"reason":"r"}""",
            $$"""{"scope":"device","target":"x","startsAt":"{{At(TimeSpan.Zero)}}","cron":"{{new string('*', 10_000)}}","durationMinutes":5,"reason":"r"}""",
            $$"""{"scope":"domain","target":"weather","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromHours(1))}}","reason":"r"}""",
            $$"""{"scope":"device","target":"khong-co-thiet-bi-nay","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromHours(1))}}","reason":"r"}""",
            $$"""{"scope":"area","target":"99999","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromHours(1))}}","reason":"r"}""",
            $$"""{"scope":"domain","target":"traffic","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromHours(1))}}","reason":"thay\u202E ngược"}""",
            $$"""{"scope":"domain","target":"traffic","startsAt":"{{At(TimeSpan.Zero)}}","endsAt":"{{At(TimeSpan.FromHours(1))}}","reason":"dòng 1\ndòng 2"}""",
            """{"scope":"domain","target":"traffic","startsAt":12345,"endsAt":null,"reason":"r"}""",
            """{"scope":"domain","target":"traffic","startsAt":null,"endsAt":null,"reason":"r"}""",
        };
    }

    [Theory]
    [MemberData(nameof(HostileWindows))]
    public async Task SetMaintenance_Hostile_RefusedWith400AndNothingStored(string body)
    {
        using var officer = await OfficerAsync();
        var response = await officer.PostAsync("/api/maintenance", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadAsStringAsync()).Length > 0, "a 400 says why");
        Assert.Empty(_factory.Services.GetRequiredService<IIncidents>().Maintenance());
    }

    [Fact]
    public async Task SetMaintenance_Valid_StoredWithWhoSetItAndListed()
    {
        using var officer = await OfficerAsync();
        var device = KnownDevice();
        var now = DateTimeOffset.UtcNow;
        var response = await officer.PostAsJsonAsync("/api/maintenance", new { scope = "DEVICE", target = $" {device} ", startsAt = now, endsAt = now.AddHours(2), reason = "Thay camera" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var listed = await officer.GetFromJsonAsync<JsonElement>("/api/maintenance");
        var view = Assert.Single(listed.EnumerateArray());
        Assert.True(view.GetProperty("activeNow").GetBoolean());
        Assert.Equal(device, view.GetProperty("window").GetProperty("target").GetString());
        Assert.StartsWith("officer-", view.GetProperty("window").GetProperty("createdBy").GetString(), StringComparison.Ordinal);

        var id = view.GetProperty("window").GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/maintenance/{id}/cancel", new { comment = "xong sớm" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.PostAsJsonAsync("/api/maintenance/999999/cancel", new { comment = (string?)null })).StatusCode);
        Assert.Empty((await officer.GetFromJsonAsync<JsonElement>("/api/maintenance")).EnumerateArray());
        Assert.Single((await officer.GetFromJsonAsync<JsonElement>("/api/maintenance?all=true")).EnumerateArray());
    }

    /// <summary>A device analytics has heard from (told directly: what its readings would have taught it).</summary>
    private string KnownDevice()
    {
        _factory.Services.GetRequiredService<IocCenter.Analytics.Agencies.DeviceDomains>().Learn("dt-trf-1", IocCenter.Telemetry.TelemetryDomain.Traffic);
        return "dt-trf-1";
    }

    [Fact]
    public async Task SetMaintenance_TimeWithoutOffset_IsVietnamTime()
    {
        using var officer = await OfficerAsync();
        var vietnam = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).AddHours(1);
        var local = vietnam.ToString("yyyy-MM-ddTHH:mm:00", System.Globalization.CultureInfo.InvariantCulture);
        var end = vietnam.AddHours(2).ToString("yyyy-MM-ddTHH:mm:00", System.Globalization.CultureInfo.InvariantCulture);
        var response = await officer.PostAsync("/api/maintenance", Json($$"""{"scope":"domain","target":"environment","startsAt":"{{local}}","endsAt":"{{end}}","reason":"bảo dưỡng trạm"}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var window = _factory.Services.GetRequiredService<IIncidents>().Maintenance().Single();
        Assert.Equal(TimeSpan.FromHours(7), window.StartsAt.Offset);
        Assert.Equal(local, window.StartsAt.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ChangingEndpoints_AsViewerOrWithoutAntiforgery_Refused()
    {
        using var viewer = await OfficerAsync("viewer");
        var now = DateTimeOffset.UtcNow;
        var window = new { scope = "device", target = "dt-trf-1", startsAt = now, endsAt = now.AddHours(1), reason = "r" };
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/maintenance", window)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/incidents/1/assign", new { assignee = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/notifications")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/agencies")).StatusCode);

        using var forged = await OfficerAsync(csrf: false);
        Assert.Equal(HttpStatusCode.BadRequest, (await forged.PostAsJsonAsync("/api/maintenance", window)).StatusCode);
        Assert.Empty(_factory.Services.GetRequiredService<IIncidents>().Maintenance());
    }

    [Fact]
    public async Task Assign_HostileAndValid_RefusedWithReasonsOrAudited()
    {
        var service = _factory.Services.GetRequiredService<IncidentService>();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "dt-trf-1", null, Severity.Major, new Evidence("rule.congestion", 1, Detail: "thử / test"));
        using var officer = await OfficerAsync();
        foreach (var body in new[] { "{}", """{"assignee":"   ","agency":""}""", """{"agency":"so-khong-co"}""", $$"""{"assignee":"{{new string('a', 5000)}}"}""", """{"assignee":"x","comment":"{{COMMENT}}"}""".Replace("{{COMMENT}}", new string('c', 5000), StringComparison.Ordinal), "null", "[1,2]" })
        {
            var refused = await officer.PostAsync($"/api/incidents/{incident.Id}/assign", Json(body));
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{body[..Math.Min(40, body.Length)]} → {refused.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await officer.PostAsJsonAsync("/api/incidents/999999/assign", new { assignee = "x" })).StatusCode);
        var ok = await officer.PostAsJsonAsync($"/api/incidents/{incident.Id}/assign", new { assignee = "Lê Văn <script>alert(1)</script>", agency = "so-khoa-hoc-cong-nghe", comment = "chuyển" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var trail = service.AuditTrail(incident.Id);
        Assert.Contains(trail, e => e.Action == "handed_over");
        Assert.Contains(trail, e => e is { Action: "assigned", Comment: "Lê Văn <script>alert(1)</script>: chuyển" });
        var filtered = await officer.GetFromJsonAsync<JsonElement>("/api/incidents?agency=so-khoa-hoc-cong-nghe");
        Assert.Contains(filtered.EnumerateArray(), i => i.GetProperty("id").GetInt64() == incident.Id);
        Assert.DoesNotContain((await officer.GetFromJsonAsync<JsonElement>("/api/incidents?agency=so-xay-dung")).EnumerateArray(), i => i.GetProperty("id").GetInt64() == incident.Id);
    }
}
