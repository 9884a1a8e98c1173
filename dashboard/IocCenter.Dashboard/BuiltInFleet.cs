using IocCenter.Resilience;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using IocCenter.Simulators.Fleet;

namespace IocCenter.Dashboard;

/// <summary>
/// The demo's simulated devices, spread over the province pack's communes, publishing to the broker like real ones (their own MQTT clients, QoS1,
/// retained status). Section <c>Simulator</c> (<see cref="FleetOptions"/>). If the broker is not there yet or goes
/// away, the fleet reconnects with backoff.
/// </summary>
internal sealed partial class BuiltInFleet(FleetOptions options, Geography.Province province, HealthCheckService health, ILogger<BuiltInFleet> logger) : BackgroundService
{
    /// <summary>
    /// Section <c>Simulator</c>, with each domain's count <see cref="AllInOneOptions.DevicesPerArea"/> times the
    /// province's communes unless it is set there.
    /// </summary>
    /// <summary>The most devices per domain the demo fleet gets by default (3 × 1,000 connections in all).</summary>
    public const int MaxDefaultPerDomain = 1_000;

    public static FleetOptions Plan(IConfiguration configuration, AllInOneOptions allInOne, Geography.Province province)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(allInOne);
        ArgumentNullException.ThrowIfNull(province);
        var section = configuration.GetSection(FleetOptions.Section);
        var fleet = section.Get<FleetOptions>() ?? new FleetOptions();
        // The demo's fleet is one connection per device: capped, so a pack of 10,000 areas cannot exhaust the host's
        // file descriptors (it did, 30,000 connections in 25 s). Simulator:Traffic and the others still set any count.
        var perDomain = Math.Min(allInOne.DevicesPerArea * province.Areas.Count, MaxDefaultPerDomain);
        fleet.Traffic = section[nameof(FleetOptions.Traffic)] is null ? perDomain : fleet.Traffic;
        fleet.Environment = section[nameof(FleetOptions.Environment)] is null ? perDomain : fleet.Environment;
        fleet.Connectivity = section[nameof(FleetOptions.Connectivity)] is null ? perDomain : fleet.Connectivity;
        return fleet;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The devices announce themselves once, as they connect (retained): let ingest be subscribed first, so
        // those announcements arrive as live messages rather than depending on the broker's retained store.
        for (var i = 0; i < 300 && !stoppingToken.IsCancellationRequested; i++)
        {
            var report = await health.CheckHealthAsync(c => c.Tags.Contains("ready"), stoppingToken);
            if (report.Entries.TryGetValue("ingest", out var ingest) && ingest.Data.TryGetValue("broker_connected", out var connected) && connected is true)
            {
                break;
            }

            await Task.Delay(100, stoppingToken).IgnoreCancellationAsync();
        }

        for (var attempt = 0; !stoppingToken.IsCancellationRequested; attempt++)
        {
            await using var fleet = new FleetRunner(options, province);
            try
            {
                await fleet.ConnectAsync(stoppingToken);
                LogRunning(logger, fleet.Devices.Count, options.Interval.TotalSeconds);
                attempt = 0;
                await fleet.RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e.Message);
            }

            await Task.Delay(Backoff.Delay(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), stoppingToken).IgnoreCancellationAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Đội thiết bị mô phỏng đang chạy / Simulated fleet running: {Devices} devices, one reading every {Seconds} s each")]
    private static partial void LogRunning(ILogger logger, int devices, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Đội thiết bị mô phỏng mất kết nối / Simulated fleet stopped ({Message}); reconnecting")]
    private static partial void LogFailed(ILogger logger, string message);
}
