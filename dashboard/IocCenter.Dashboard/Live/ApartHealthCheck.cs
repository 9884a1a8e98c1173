using IocCenter.Analytics.Live;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IocCenter.Dashboard.Live;

/// <summary>
/// <c>/health</c> of a dashboard running apart from ingest and analytics: the screens' readings come from the
/// broker, and their incidents are in step with the analytics host. Either missing: the walls are not live.
/// </summary>
internal sealed class ApartHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var readings = services.GetService<BrokerReadings>();
        var incidents = services.GetService<RemoteIncidents>();
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        if (readings is not null)
        {
            data["readings_connected"] = readings.IsConnected;
            if (!readings.IsConnected)
            {
                problems.Add("not connected to the broker / chưa kết nối broker");
            }
        }

        if (incidents is not null)
        {
            data["incidents_in_sync"] = incidents.InSync;
            if (!incidents.InSync)
            {
                problems.Add("incidents not in step with analytics / chưa đồng bộ sự cố với dịch vụ phân tích");
            }
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("live", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data));
    }
}
