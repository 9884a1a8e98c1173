using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using IocCenter.DashboardTests;
using Microsoft.AspNetCore.Http.Connections;
using IocCenter.TestShared;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace IocCenter.IntegrationTests;

/// <summary>
/// Two dashboard instances (iocc with neither ingest nor analytics in their process) on SignalR's Redis backplane,
/// a real mosquitto, a real InfluxDB, a real Redis and the analytics host as the single incident writer, each its
/// own process: an officer acts on instance A, a wall connected to instance B sees it.
/// </summary>
public sealed class DashboardScaleOutTests(ServicesFixture services, ITestOutputHelper output) : IClassFixture<ServicesFixture>, IAsyncLifetime
{
    public static readonly string RedisImage = Environment.GetEnvironmentVariable("IOCC_REDIS_IMAGE") ?? "iocc-redis:latest";
    private const string ApiKey = "scale-out-test-key-6f1c";
    private const string AdminPassword = "scale-out-Lạng-Sơn-2026";
    private const string Device = "net-30226-7";
    private const string TicketSecret = "ticket-secret-Lạng-Sơn-2026";
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new();
    private readonly string _database = "it_" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<IDisposable> _processes = [];
    private readonly List<HubConnection> _connections = [];
    private readonly IContainer _redis = new ContainerBuilder(RedisImage)
        .WithPortBinding(6379, assignRandomHostPort: true)
        .WithWaitStrategy(Wait.ForUnixContainer().UntilInternalTcpPortIsAvailable(6379))
        .Build();

    public async Task InitializeAsync() => await _redis.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        foreach (var process in _processes)
        {
            process.Dispose();
        }

        await _redis.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task AnOfficerActsOnInstanceA_AWallOnInstanceBSeesItWithinASecond_AndARevokedLinkClosesItThere()
    {
        var analytics = HostProcess.Start(Path.Combine("analytics", "IocCenter.Analytics.Host"), "iocc-analytics-host.dll", Path.Combine(_folder.Path, "analytics"),
        [
            $"--Mqtt:Url={services.MqttUrl}", $"--Influx:Url={services.InfluxUrl}", $"--Influx:Database={_database}",
            $"--Analytics:DatabasePath={Path.Combine(_folder.Path, "analytics", "incidents.db")}", $"--Analytics:ApiKey={ApiKey}",
            "--Analytics:MlEnabled=false", "--Analytics:Rules:MinDuration=00:00:02", "--Logging:LogLevel:Default=Warning",
        ]);
        _processes.Add(analytics);
        await analytics.WaitUntilAsync(async h => await HealthyAsync(h), Startup, "subscribed");
        Assert.Equal(HttpStatusCode.Unauthorized, (await analytics.Http.GetAsync(new Uri("api/v1/incidents/unresolved", UriKind.Relative))).StatusCode); // no key, no incidents

        var a = await StartDashboardAsync(analytics, "a");
        var b = await StartDashboardAsync(analytics, "b"); // after A: A made the first admin in the shared user database

        // People sign in on A; the cookie is good on B too (shared keys and users).
        using var officer = await SignInAsync(a);
        using var sameCookieOnB = new HttpClient(new HttpClientHandler { CookieContainer = officer.Cookies, AllowAutoRedirect = false }) { BaseAddress = b.Url };
        Assert.Equal(HttpStatusCode.OK, (await sameCookieOnB.GetAsync(new Uri("api/me", UriKind.Relative))).StatusCode);

        // A kiosk link made on A; the wall shows on B.
        var created = await officer.Client.PostAsync(new Uri("api/kiosk-tokens", UriKind.Relative), new StringContent("""{"name":"Tường B"}""", Encoding.UTF8, "application/json"));
        created.EnsureSuccessStatusCode();
        using var kiosk = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var tokenId = kiosk.RootElement.GetProperty("token").GetProperty("id").GetInt64();
        var wall = await WallAsync(b, kiosk.RootElement.GetProperty("secret").GetString()!);

        // A degraded link, published to the broker: analytics opens an incident; B's wall gets it, and the device's readings.
        await using (var publisher = await Publisher.ConnectAsync(services.MqttUrl))
        {
            var start = DateTimeOffset.UtcNow.AddMinutes(-1);
            for (var i = 0; i < 6; i++)
            {
                var ts = start.AddSeconds(i).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                await publisher.PublishAsync($"ioc/v1/connectivity/{Device}/telemetry", $$"""{"ts":"{{ts}}","metrics":{"latency_ms":35,"packet_loss_pct":25} }""");
            }
        }

        var opened = await Eventually.WaitAsync(
            () => Task.FromResult(wall.Incidents.Values.FirstOrDefault(i => i.Incident.GetProperty("deviceId").GetString() == Device)),
            i => i.Incident.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(30), "the incident on B's wall");
        var id = opened.Incident.GetProperty("id").GetInt64();
        await Eventually.WaitAsync(() => Task.FromResult(wall.DevicesSeen.Contains(Device)), seen => seen, TimeSpan.FromSeconds(30), "the device's state on B's wall");

        // The officer acknowledges on A: B's wall has it within a second.
        var acting = Stopwatch.GetTimestamp();
        var ack = await officer.Client.PostAsync(new Uri($"api/incidents/{id}/acknowledge", UriKind.Relative), new StringContent("""{"comment":"Đã cử kỹ thuật viên"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var acknowledged = await Eventually.WaitAsync(
            () => Task.FromResult(wall.Incidents[id]),
            i => i.Incident.GetProperty("state").GetString() == "acknowledged", TimeSpan.FromSeconds(10), "the acknowledgement on B's wall");
        var reached = Stopwatch.GetElapsedTime(acting, acknowledged.Arrived);
        output.WriteLine($"acknowledged on A → on B's wall: {reached.TotalMilliseconds:F0} ms");
        Assert.True(reached < TimeSpan.FromSeconds(1), $"the acknowledgement made on A reached B's wall after {reached.TotalMilliseconds:F0} ms");

        // The single writer has it, with the officer and the comment in its audit trail (read through B).
        using var detail = JsonDocument.Parse(await sameCookieOnB.GetStringAsync(new Uri($"api/incidents/{id}", UriKind.Relative)));
        Assert.Contains(detail.RootElement.GetProperty("audit").EnumerateArray(), e => e.GetProperty("actor").GetString() == "admin" && e.GetProperty("comment").GetString() == "Đã cử kỹ thuật viên");

        // The admin revokes the link on A: B's wall is told at once (backplane) and B closes its connection itself.
        var revoking = Stopwatch.GetTimestamp();
        Assert.Equal(HttpStatusCode.NoContent, (await officer.Client.DeleteAsync(new Uri($"api/kiosk-tokens/{tokenId}", UriKind.Relative))).StatusCode);
        var told = Stopwatch.GetElapsedTime(revoking, await wall.Revoked.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        output.WriteLine($"revoked on A → told on B's wall: {told.TotalMilliseconds:F0} ms");
        Assert.True(told < TimeSpan.FromSeconds(1), $"'revoked' reached B's wall after {told.TotalMilliseconds:F0} ms");
        await wall.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10)); // B's own check (every second here) closed it; the test client does not stop by itself
    }

    [Fact]
    public async Task ASessionEndedOnInstanceA_EndsOnInstanceB_ItsCookieAndItsHubConnection()
    {
        var analytics = HostProcess.Start(Path.Combine("analytics", "IocCenter.Analytics.Host"), "iocc-analytics-host.dll", Path.Combine(_folder.Path, "analytics"),
        [
            $"--Mqtt:Url={services.MqttUrl}", $"--Influx:Url={services.InfluxUrl}", $"--Influx:Database={_database}",
            $"--Analytics:DatabasePath={Path.Combine(_folder.Path, "analytics", "incidents.db")}", $"--Analytics:ApiKey={ApiKey}",
            "--Analytics:MlEnabled=false", "--Logging:LogLevel:Default=Warning",
        ]);
        _processes.Add(analytics);
        await analytics.WaitUntilAsync(async h => await HealthyAsync(h), Startup, "subscribed");
        var a = await StartDashboardAsync(analytics, "a");
        var b = await StartDashboardAsync(analytics, "b");
        using var admin = await SignInAsync(a);
        var created = await admin.Client.PostAsync(new Uri("api/users", UriKind.Relative), new StringContent("""{"userName":"truc-ca-dem","role":"officer","password":"truc-ca-dem-2026"}""", Encoding.UTF8, "application/json"));
        created.EnsureSuccessStatusCode();
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        // Logged out on A: a copy of the cookie taken before stops working on B within B's re-check (a second here).
        var (first, firstCookie) = await SignInOfficerAsync(a);
        using var onB = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = b.Url };
        Assert.Equal(HttpStatusCode.OK, (await GetWithCookieAsync(onB, firstCookie)).StatusCode);
        using (var csrf = JsonDocument.Parse(await first.GetStringAsync(new Uri("api/antiforgery", UriKind.Relative))))
        {
            first.DefaultRequestHeaders.Add("X-CSRF-TOKEN", csrf.RootElement.GetProperty("token").GetString());
        }

        Assert.Equal(HttpStatusCode.Redirect, (await first.PostAsync(new Uri("logout", UriKind.Relative), new FormUrlEncodedContent([]))).StatusCode);
        await Eventually.WaitAsync(() => GetWithCookieAsync(onB, firstCookie), r => r.StatusCode == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5), "the logged-out cookie refused on B");

        // Disabled by the admin on A: the officer's cookie is refused on B and B closes their hub connection itself.
        var (_, secondCookie) = await SignInOfficerAsync(a);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(b.Url, "hubs/ioc"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.Headers["Cookie"] = secondCookie;
            })
            .Build();
        _connections.Add(hub);
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await hub.StartAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.PutAsync(new Uri($"api/users/{id}/disabled", UriKind.Relative), new StringContent("""{"disabled":true}""", Encoding.UTF8, "application/json"))).StatusCode);
        await Eventually.WaitAsync(() => GetWithCookieAsync(onB, secondCookie), r => r.StatusCode == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5), "the disabled officer's cookie refused on B");
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Notifications_TwoDashboardsAndOneWriterShareTheConfiguration_EachWebhookArrivesOnce()
    {
        // One configuration copied to every process, as an operator would: only the incident writer (the analytics
        // host) has the outbox and its sender, so each notification must reach the ticket system once, not three times.
        using var ticket = new WebhookReceiver(TestFleet.FreePort());
        string[] notifications =
        [
            $"--Notifications:Webhooks:ticket:Url={WebhookReceiver.UrlOn(ticket.Port)}", $"--Notifications:Webhooks:ticket:Secret={TicketSecret}",
            "--Notifications:PollEvery=00:00:00.250", "--Notifications:HoldNewFor=00:00:00", "--Routing:Agencies:so-khoa-hoc-cong-nghe:Notify:0=webhook:ticket",
        ];
        var analytics = HostProcess.Start(Path.Combine("analytics", "IocCenter.Analytics.Host"), "iocc-analytics-host.dll", Path.Combine(_folder.Path, "analytics"),
        [
            $"--Mqtt:Url={services.MqttUrl}", $"--Influx:Url={services.InfluxUrl}", $"--Influx:Database={_database}",
            $"--Analytics:DatabasePath={Path.Combine(_folder.Path, "analytics", "incidents.db")}", $"--Analytics:ApiKey={ApiKey}",
            "--Analytics:MlEnabled=false", "--Analytics:Rules:MinDuration=00:00:02", "--Logging:LogLevel:Default=Warning", .. notifications,
        ]);
        _processes.Add(analytics);
        await analytics.WaitUntilAsync(async h => await HealthyAsync(h), Startup, "subscribed");
        var a = await StartDashboardAsync(analytics, "a", notifications);
        await StartDashboardAsync(analytics, "b", notifications);

        // Two degraded links (connectivity: Sở Khoa học và Công nghệ's desk): two incidents, one webhook each.
        string[] devices = ["net-30226-8", "net-30226-9"];
        await using (var publisher = await Publisher.ConnectAsync(services.MqttUrl))
        {
            var start = DateTimeOffset.UtcNow.AddMinutes(-1);
            for (var i = 0; i < 6; i++)
            {
                var ts = start.AddSeconds(i).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                foreach (var device in devices)
                {
                    await publisher.PublishAsync($"ioc/v1/connectivity/{device}/telemetry", $$"""{"ts":"{{ts}}","metrics":{"latency_ms":35,"packet_loss_pct":25} }""");
                }
            }
        }

        // The writer's own API says both were sent; the dashboards show the same outbox, read from the writer.
        using var keyed = new HttpClient { BaseAddress = analytics.Url };
        keyed.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        await Eventually.WaitAsync(
            async () => JsonDocument.Parse(await keyed.GetStringAsync(new Uri("api/v1/notifications", UriKind.Relative))).RootElement.GetProperty("recent").EnumerateArray()
                .Count(r => r.GetProperty("sentAt").ValueKind != JsonValueKind.Null),
            sent => sent == 2, TimeSpan.FromSeconds(30), "two notifications sent by the writer");
        using var admin = await SignInAsync(a);
        using var onA = JsonDocument.Parse(await admin.Client.GetStringAsync(new Uri("api/notifications", UriKind.Relative)));
        Assert.Equal(2, onA.RootElement.GetProperty("recent").GetArrayLength());

        // No duplicate is proven only by waiting: a second sender (a dashboard given the same settings) would post within
        // its first poll, 250 ms here; a bounded 3 s window is twelve of them.
        using (var quiet = new PeriodicTimer(TimeSpan.FromSeconds(3)))
        {
            await quiet.WaitForNextTickAsync();
        }

        var posts = ticket.Received.ToList();
        Assert.Equal(2, posts.Count);
        Assert.Equal(2, posts.Select(p => p.IdempotencyKey).Distinct().Count());
        Assert.All(posts, p => Assert.True(p.SignatureVerifies(TicketSecret)));
        Assert.Equal(devices, posts.Select(p => JsonDocument.Parse(p.Body).RootElement.GetProperty("facts").GetProperty("deviceId").GetString()).Order(StringComparer.Ordinal));
    }

    private static async Task<(HttpClient Client, string Cookie)> SignInOfficerAsync(HostProcess dashboard)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = dashboard.Url };
        await TestSupport.LoginAsync(client, "truc-ca-dem", "truc-ca-dem-2026");
        return (client, cookies.GetCookieHeader(dashboard.Url));
    }

    private static async Task<HttpResponseMessage> GetWithCookieAsync(HttpClient client, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/me", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private async Task<HostProcess> StartDashboardAsync(HostProcess analytics, string name, params string[] more)
    {
        var shared = Path.Combine(_folder.Path, "shared");
        var dashboard = HostProcess.Start(Path.Combine("dashboard", "IocCenter.Dashboard"), "iocc.dll", Path.Combine(_folder.Path, name),
        [
            "--AllInOne:EmbeddedBroker=false", "--AllInOne:Simulators=false", "--AllInOne:Ingest=false", "--AllInOne:Analytics=false",
            $"--AllInOne:Redis={_redis.Hostname}:{_redis.GetMappedPublicPort(6379)}", $"--AllInOne:DataPath={Path.Combine(_folder.Path, name, "data")}",
            $"--Mqtt:Url={services.MqttUrl}", $"--Influx:Url={services.InfluxUrl}", $"--Influx:Database={_database}",
            $"--Analytics:Url={analytics.Url}", $"--Analytics:ApiKey={ApiKey}",
            $"--Dashboard:AdminPassword={AdminPassword}", $"--Dashboard:UsersDatabase={Path.Combine(shared, "users.db")}",
            $"--Dashboard:KeysPath={Path.Combine(shared, "keys")}", "--Dashboard:KioskCheckInterval=00:00:01", "--Dashboard:SessionCheckInterval=00:00:01",
            "--Logging:LogLevel:Default=Warning", .. more,
        ]);
        _processes.Add(dashboard);
        await dashboard.WaitUntilAsync(async h => await HealthyAsync(h), Startup, "readings and incidents live");
        return dashboard;
    }

    private static async Task<bool> HealthyAsync(HostProcess host)
    {
        using var response = await host.Http.GetAsync(new Uri("health", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static async Task<SignedIn> SignInAsync(HostProcess dashboard)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = dashboard.Url };
        await TestSupport.LoginAsync(client, "admin", AdminPassword);
        using var csrf = JsonDocument.Parse(await client.GetStringAsync(new Uri("api/antiforgery", UriKind.Relative)));
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", csrf.RootElement.GetProperty("token").GetString());
        return new SignedIn(client, cookies);
    }

    private async Task<Wall> WallAsync(HostProcess dashboard, string secret)
    {
        var wall = new Wall();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(dashboard.Url, "hubs/ioc?access_token=" + Uri.EscapeDataString(secret)), o =>
            {
                // As the wall page connects: WebSockets, the kiosk link's token in the query.
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        _connections.Add(connection);
        connection.On<JsonElement>("snapshot", s =>
        {
            foreach (var incident in s.GetProperty("incidents").EnumerateArray())
            {
                wall.Incidents[incident.GetProperty("id").GetInt64()] = (incident.Clone(), Stopwatch.GetTimestamp());
            }

            wall.Note(s.GetProperty("devices"));
        });
        connection.On<JsonElement>("delta", d =>
        {
            wall.Note(d.GetProperty("devices"));
            wall.Note(d.GetProperty("changes"));
        });
        connection.On<JsonElement>("incident", i => wall.Incidents[i.GetProperty("id").GetInt64()] = (i.Clone(), Stopwatch.GetTimestamp()));
        connection.On("revoked", () => wall.Revoked.TrySetResult(Stopwatch.GetTimestamp()));
        connection.Closed += _ =>
        {
            wall.Closed.TrySetResult();
            return Task.CompletedTask;
        };
        await connection.StartAsync();
        return wall;
    }

    private sealed record SignedIn(HttpClient Client, CookieContainer Cookies) : IDisposable
    {
        public void Dispose() => Client.Dispose();
    }

    private sealed class Wall
    {
        /// <summary>Each incident as last received, and when (a <see cref="Stopwatch"/> timestamp).</summary>
        public ConcurrentDictionary<long, (JsonElement Incident, long Arrived)> Incidents { get; } = new();

        public ConcurrentDictionary<string, bool> DevicesSeenSet { get; } = new();

        public ICollection<string> DevicesSeen => DevicesSeenSet.Keys;

        public TaskCompletionSource<long> Revoked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Note(JsonElement devices)
        {
            foreach (var device in devices.EnumerateArray())
            {
                DevicesSeenSet[device.GetProperty("id").GetString()!] = true;
            }
        }
    }
}
