using System.Collections.Concurrent;
using IocCenter.Devices;
using IocCenter.Telemetry;

namespace IocCenter.Analytics.Agencies;

/// <summary>
/// Which domain each device reports in, for routing a device's incident (an offline device, a sensor fault) to the
/// agency of its domain: the registry's word when it has the device, else what the device's readings said.
/// </summary>
public sealed class DeviceDomains(DeviceDirectory registry)
{
    private readonly ConcurrentDictionary<string, TelemetryDomain> _seen = new(StringComparer.Ordinal);

    public void Learn(string deviceId, TelemetryDomain domain)
    {
        if (!_seen.TryGetValue(deviceId, out var known) || known != domain)
        {
            _seen[deviceId] = domain;
        }
    }

    public string? Of(string deviceId) =>
        registry.Find(deviceId)?.Domain.Name() ?? (_seen.TryGetValue(deviceId, out var domain) ? domain.Name() : null);
}
