using IocCenter.Ingest.Mqtt;
using IocCenter.Ingest.Pipeline;
using IocCenter.Ingest.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IocCenter.Ingest;

/// <summary>Ready when the broker is connected, InfluxDB takes writes and the journal has room.</summary>
internal sealed class IngestHealthCheck(TelemetrySubscriber subscriber, JournalDrain drain, IngestPipeline pipeline, Journal.TelemetryJournal journal) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["broker_connected"] = subscriber.IsConnected,
            ["store_reachable"] = drain.StoreReachable,
            ["journal_points_pending"] = journal.PendingLines,
            ["journal_bytes_pending"] = journal.PendingBytes,
        };

        var problems = new List<string>();
        if (!subscriber.IsConnected)
        {
            problems.Add("broker not connected / chưa kết nối broker");
        }

        if (!drain.StoreReachable)
        {
            problems.Add($"không ghi được vào kho dữ liệu đo ({drain.StoreDescription}), số liệu vẫn an toàn trong nhật ký / cannot write to the telemetry store ({drain.StoreDescription}), readings are safe in the journal: {drain.Problem}");
        }

        if (pipeline.IsBackpressured)
        {
            problems.Add("journal full / nhật ký đầy");
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("ingesting", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data));
    }
}
