using IocCenter.Analytics.Live;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IocCenter.Analytics.Host;

/// <summary><c>/health</c>: ready while subscribed to every device's readings on the broker.</summary>
internal sealed class ReadingsHealthCheck(BrokerReadings readings) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readings.IsConnected
            ? HealthCheckResult.Healthy("watching every device", new Dictionary<string, object> { ["readings_connected"] = true })
            : HealthCheckResult.Unhealthy("not subscribed to the broker / chưa kết nối broker", data: new Dictionary<string, object> { ["readings_connected"] = false }));
}
