using IocCenter.Analytics.Ml;
using IocCenter.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IocCenter.Analytics.Live;

/// <summary>
/// Trains the PCA models from the telemetry store in the background: every <see cref="AnalyticsOptions.MlRetryEvery"/>
/// it trains the domains whose model is missing (not enough history yet, or a first start) or older than
/// <see cref="AnalyticsOptions.MlRetrainEvery"/>.
/// </summary>
internal sealed partial class PcaTraining(
    PcaSupervisor pca,
    IOptions<AnalyticsOptions> options,
    TimeProvider time,
    ILogger<PcaTraining> logger,
    ITelemetryHistory? history = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (history is null)
        {
            LogNoHistory(logger);
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Only the domains whose model is missing or older than the retrain interval are trained.
                var trained = await pca.TrainAsync(history, time.GetUtcNow(), stoppingToken, options.Value.MlRetrainEvery);
                if (trained.Count > 0 || pca.Versions.Count < TelemetryDomains.All.Count)
                {
                    foreach (var (domain, outcome) in pca.LastOutcome)
                    {
                        LogOutcome(logger, domain, outcome);
                    }
                }

                await Task.Delay(options.Value.MlRetryEvery, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mô hình PCA không được huấn luyện: không có kho dữ liệu đo (đặt Influx:Url) / PCA models are not trained: no telemetry store to read history from (set Influx:Url)")]
    private static partial void LogNoHistory(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Huấn luyện PCA / PCA training, {Domain}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string domain, string outcome);
}
