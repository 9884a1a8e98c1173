using IocCenter.Analytics;
using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Live;
using IocCenter.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace IocCenter.Tests.Analytics.Live;

/// <summary>The live loop in a real host with its real SQLite incident store.</summary>
public sealed class AnalyticsEngineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iocc-engine-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task IncidentStoreLockedByAnotherWriter_LoopStalls_HealthSaysSo_ThenTheIncidentIsStored()
    {
        var database = Path.Combine(_folder, "incidents.db");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = _folder });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:DatabasePath"] = database,
            ["Analytics:MlEnabled"] = "false",
            ["Analytics:StallAfter"] = "00:00:02",
            ["Analytics:SilenceCheckInterval"] = "00:00:00.200",
            ["Mqtt:Url"] = "mqtt://127.0.0.1:1", // the incident publisher finds no broker here, and keeps trying
        });
        builder.AddAnalytics();
        using var host = builder.Build();
        await host.StartAsync();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await Eventually(async () => (await Report(health)).Status == HealthStatus.Healthy, "healthy at start");

        // Another writer holds the database (a backup tool, a stuck process): the loop waits on SQLite's busy timeout.
        using (var locker = new SqliteConnection($"Data Source={database}"))
        {
            locker.Open();
            using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                begin.ExecuteNonQuery();
            }

            host.Services.GetRequiredService<LiveReadings>().AcceptStatus("tr-locked", TelemetryDomain.Traffic, "29905", online: false, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            HealthReportEntry stalled = default;
            await Eventually(async () => (stalled = await Report(health)).Status == HealthStatus.Unhealthy, "unhealthy while the loop cannot progress");
            Assert.Contains("bộ phân tích đứng", stalled.Description, StringComparison.Ordinal);
            Assert.Contains("no incident can be raised", stalled.Description, StringComparison.Ordinal);
            using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }

        var incidents = host.Services.GetRequiredService<IncidentService>();
        await Eventually(() => Task.FromResult(incidents.Unresolved().Any(i => i is { Kind: IncidentKind.DeviceOffline, DeviceId: "tr-locked" })), "the incident stored once the lock is gone");
        await Eventually(async () => (await Report(health)).Status == HealthStatus.Healthy, "healthy again");
        await host.StopAsync();
    }

    [Fact]
    public async Task NotWatchingUnregisteredDevices_MadeUpIdsGoOffline_OnlyRegisteredDevicesRaiseIncidents()
    {
        var registry = Path.Combine(_folder, "devices.json");
        File.WriteAllText(registry, """[{ "id": "tr-real", "domain": "traffic", "area": "29905" }]"""); // a commune of the packaged Đồng Tháp
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = _folder });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:DatabasePath"] = Path.Combine(_folder, "incidents.db"),
            ["Analytics:MlEnabled"] = "false",
            ["Analytics:SilenceCheckInterval"] = "00:00:00.200",
            ["Analytics:WatchUnregisteredDevices"] = "false",
            ["Devices:RegistryPath"] = registry,
            ["Mqtt:Url"] = "mqtt://127.0.0.1:1",
        });
        builder.AddAnalytics();
        using var host = builder.Build();
        await host.StartAsync();
        var live = host.Services.GetRequiredService<LiveReadings>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < 50; i++)
        {
            live.AcceptStatus($"made-up-{i}", TelemetryDomain.Traffic, null, online: false, now);
        }

        live.AcceptStatus("tr-real", TelemetryDomain.Traffic, "29905", online: false, now);
        var incidents = host.Services.GetRequiredService<IncidentService>();
        await Eventually(() => Task.FromResult(incidents.Unresolved().Any(i => i.DeviceId == "tr-real")), "the registered device's incident");
        await host.StopAsync();
        Assert.Equal(["tr-real"], incidents.Unresolved().Select(i => i.DeviceId));
    }

    /// <summary>
    /// A restart (an update at night) keeps what the detectors learnt: the first spike after it is found at once. The
    /// same readings with the state not kept (<c>DetectorStateEvery</c> 0) find nothing: the series is new again and is
    /// not judged for spikes until it has 240 readings.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ARestart_KeepsWhatTheDetectorsLearnt_TheFirstSpikeAfterItIsFound(bool kept)
    {
        var random = new Random(9);
        var t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (400 * 60_000L);
        using (var first = await StartedHost(kept))
        {
            var live = first.Services.GetRequiredService<LiveReadings>();
            for (var i = 0; i < 300; i++, t += 60_000)
            {
                live.Accept("wl-kept", TelemetryDomain.Environment, "29905", t, [new("water_level_cm", 120 + random.NextDouble(), false)]);
            }

            await Processed(first, "marker-1");
            await first.StopAsync();
        }

        Assert.Equal(kept, File.Exists(Path.Combine(_folder, DetectorState.FileName)));
        using var second = await StartedHost(kept);
        var again = second.Services.GetRequiredService<LiveReadings>();
        for (var i = 0; i < 5; i++, t += 60_000)
        {
            again.Accept("wl-kept", TelemetryDomain.Environment, "29905", t, [new("water_level_cm", 120 + random.NextDouble(), false)]);
        }

        again.Accept("wl-kept", TelemetryDomain.Environment, "29905", t, [new("water_level_cm", 190, false)]);
        await Processed(second, "marker-2");
        var anomaly = second.Services.GetRequiredService<IncidentService>().Unresolved().Where(i => i is { Kind: IncidentKind.Anomaly, DeviceId: "wl-kept" }).ToList();
        Assert.Equal(kept ? 1 : 0, anomaly.Count);
        await second.StopAsync();
    }

    private async Task<IHost> StartedHost(bool keepState)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = _folder });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:DatabasePath"] = Path.Combine(_folder, "incidents.db"),
            ["Analytics:MlEnabled"] = "false",
            ["Analytics:SilenceCheckInterval"] = "00:00:00.200",
            ["Analytics:DetectorStateEvery"] = keepState ? "00:10:00" : "00:00:00",
            ["Analytics:Rules:AnomalyLearning"] = "00:00:00", // the series here are hours old; the hold has its own tests
            ["Mqtt:Url"] = "mqtt://127.0.0.1:1",
        });
        builder.AddAnalytics();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Waits until the loop has taken everything queued before: the queue is in order, so a marker device's offline incident comes after it.</summary>
    private static async Task Processed(IHost host, string marker)
    {
        host.Services.GetRequiredService<LiveReadings>().AcceptStatus(marker, TelemetryDomain.Environment, "29905", online: false, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var incidents = host.Services.GetRequiredService<IncidentService>();
        await Eventually(() => Task.FromResult(incidents.Unresolved().Any(i => i.DeviceId == marker)), "the marker's incident");
    }

    private static async Task<HealthReportEntry> Report(HealthCheckService health) =>
        (await health.CheckHealthAsync(r => r.Name == "analytics-loop")).Entries["analytics-loop"];

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 60 s: {what}");
            await poll.WaitForNextTickAsync();
        }
    }
}
