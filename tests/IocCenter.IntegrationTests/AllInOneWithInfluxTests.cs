using Microsoft.AspNetCore.Mvc.Testing;

namespace IocCenter.IntegrationTests;

/// <summary>The all-in-one host pointed at a real InfluxDB (Influx:Url set): telemetry goes there instead of the embedded SQLite store.</summary>
public sealed class AllInOneWithInfluxTests(ServicesFixture services) : IClassFixture<ServicesFixture>, IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task WithInfluxUrl_TheFleetsReadingsAndStatusesAreStoredInInfluxDb_AndNoSqliteTelemetryStoreIsCreated()
    {
        var database = "aio_" + Guid.NewGuid().ToString("N")[..12];
        var brokerPort = TestFleet.FreePort();
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("AllInOne:BrokerPort", brokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("AllInOne:BrokerAddress", "127.0.0.1");
            web.UseSetting("AllInOne:DataPath", _folder.Path);
            web.UseSetting("Influx:Url", services.InfluxUrl.ToString());
            web.UseSetting("Influx:Database", database);
            web.UseSetting("Simulator:Traffic", "3");
            web.UseSetting("Simulator:Environment", "2");
            web.UseSetting("Simulator:Connectivity", "3");
            web.UseSetting("Simulator:Interval", "00:00:01");
            web.UseSetting("Simulator:Prefix", "ai");
            web.UseSetting("Analytics:MlEnabled", "false");
            web.UseSetting("Dashboard:AdminPassword", "all-in-one-influx-2026");
        });
        var influx = services.InfluxClient(database);
        await influx.CreateAsync(CancellationToken.None); // so the probes below can query before the first write
        _ = factory.Server;

        await Eventually.WaitAsync(() => influx.CountAsync("traffic", "avg_speed_kmh"), n => n >= 3, TimeSpan.FromSeconds(30), "traffic points in InfluxDB");
        await Eventually.WaitAsync(() => influx.CountAsync("environment", "pm25_ugm3"), n => n >= 2, TimeSpan.FromSeconds(30), "environment points in InfluxDB");
        await Eventually.WaitAsync(() => influx.CountAsync("connectivity", "latency_ms"), n => n >= 3, TimeSpan.FromSeconds(30), "connectivity points in InfluxDB");

        // Every device's retained "online" announcement, made as the fleet connects, is stored too.
        await Eventually.WaitAsync(() => influx.CountAsync("device_status", "online"), n => n >= 8, TimeSpan.FromSeconds(30), "device statuses in InfluxDB");
        Assert.False(File.Exists(Path.Combine(_folder.Path, "telemetry", "telemetry.db")));
    }
}
