using IocCenter.Analytics.Incidents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IocCenter.Analytics.Agencies;

/// <summary>
/// Every <see cref="EscalationOptions.CheckEvery"/>: takes the escalation steps that are due and hands back the
/// incidents whose maintenance window ended. Runs beside the incident writer only, so each step is taken once.
/// </summary>
internal sealed partial class EscalationClock(IncidentService incidents, IOptions<EscalationOptions> options, TimeProvider time, ILogger<EscalationClock> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await incidents.StartMaintenanceAsync();
                    await incidents.EndMaintenanceAsync();
                    await incidents.EscalateDueAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The store failed for a moment: the steps are decided by time, so the next pass takes them.
                    LogPassFailed(logger, e);
                }

                await Task.Delay(options.Value.CheckEvery, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Lượt kiểm tra chuyển cấp lỗi, sẽ thử lại / An escalation pass failed; trying again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
