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
