using IocCenter.Resilience;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using IocCenter.Simulators.Fleet;

namespace IocCenter.Dashboard;

/// <summary>
/// The demo province's simulated devices, publishing to the broker like real ones (their own MQTT clients, QoS1,
/// retained status). Section <c>Simulator</c> (<see cref="FleetOptions"/>). If the broker is not there yet or goes
/// away, the fleet reconnects with backoff.
/// </summary>
internal sealed partial class BuiltInFleet(FleetOptions options, HealthCheckService health, ILogger<BuiltInFleet> logger) : BackgroundService
{
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
            await using var fleet = new FleetRunner(options);
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
