using System.Globalization;
using IocCenter.Devices;
using IocCenter.Simulators.Models;
using IocCenter.Simulators.Province;
using IocCenter.Telemetry;

namespace IocCenter.Simulators.Fleet;

/// <summary>Spreads the fleet over the province's areas: ids like <c>dt-trf-sa-dec-007</c>, positions near each area's centre.</summary>
public static class FleetPlan
{
    public static IReadOnlyList<SimulatedDevice> Create(FleetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layout = new Random(options.Seed);
        var devices = new List<SimulatedDevice>(options.TotalDevices);
        Add(TelemetryDomain.Traffic, "trf", options.Traffic);
        Add(TelemetryDomain.Environment, "env", options.Environment);
        Add(TelemetryDomain.Connectivity, "net", options.Connectivity);
        return devices;

        void Add(TelemetryDomain domain, string code, int count)
        {
            var areas = DongThap.Areas;
            for (var i = 0; i < count; i++)
            {
                var area = areas[i % areas.Count];
                var number = (i / areas.Count) + 1;
                var id = string.Create(CultureInfo.InvariantCulture, $"{options.Prefix}-{code}-{area.Id}-{number:D3}");
                var record = new DeviceRecord(
                    id,
                    domain,
                    area.Id,
                    Name: string.Create(CultureInfo.InvariantCulture, $"{area.Name} #{number}"),
                    Latitude: Math.Round(area.Latitude + ((layout.NextDouble() - 0.5) * 0.08), 5),
                    Longitude: Math.Round(area.Longitude + ((layout.NextDouble() - 0.5) * 0.08), 5));
                // Not HashCode.Combine: it is randomised per process, and a seed must reproduce a run.
                var seed = unchecked((options.Seed * 1_000_003) + (devices.Count * 7919) + (int)domain);
                devices.Add(new SimulatedDevice(record, DeviceModel.Create(domain, seed)));
            }
        }
    }
}
