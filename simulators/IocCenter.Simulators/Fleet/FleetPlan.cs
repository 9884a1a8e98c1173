using System.Globalization;
using IocCenter.Devices;
using IocCenter.Geography;
using IocCenter.Simulators.Models;
using IocCenter.Telemetry;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace IocCenter.Simulators.Fleet;

/// <summary>
/// Spreads the fleet over the province's communes, in the pack's order: the first device of each domain in the first
/// commune, the next in the second, and so on round. Ids are short and stable (<c>sim-trf-28249-1</c>: prefix, domain,
/// commune code, number in the commune); each device stands at a random point inside its commune's polygon, or near
/// the commune's point and inside the province where the pack has only points.
/// </summary>
public static class FleetPlan
{
    /// <summary>How far from a commune's point a device may stand when the pack has no polygon for it (about 3 km).</summary>
    private const double PointSpreadDegrees = 0.03;

    public static IReadOnlyList<SimulatedDevice> Create(FleetOptions options, Province province)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(province);
        var areas = province.Areas;
        if (areas.Count == 0)
        {
            return [];
        }

        var layout = new Random(options.Seed);
        var outline = new IndexedPointInAreaLocator(province.Outline);
        var places = areas.Select(a => new Place(a, outline)).ToArray();
        var devices = new List<SimulatedDevice>(options.TotalDevices);
        Add(TelemetryDomain.Traffic, "trf", options.Traffic);
        Add(TelemetryDomain.Environment, "env", options.Environment);
        Add(TelemetryDomain.Connectivity, "net", options.Connectivity);
        return devices;

        static string KindName(TelemetryDomain domain) => domain switch
        {
            TelemetryDomain.Traffic => "Trạm đo giao thông",
            TelemetryDomain.Environment => "Trạm quan trắc không khí",
            _ => "Điểm truy cập mạng",
        };

        void Add(TelemetryDomain domain, string code, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var place = places[i % places.Length];
                var number = (i / places.Length) + 1;
                var (latitude, longitude) = place.RandomPosition(layout);
                var record = new DeviceRecord(
                    string.Create(CultureInfo.InvariantCulture, $"{options.Prefix}-{code}-{place.Area.Code}-{number}"),
                    domain,
                    place.Area.Code,
                    // What the device is, where, which one: a commune's traffic, air and network devices are told apart.
                    Name: string.Create(CultureInfo.InvariantCulture, $"{KindName(domain)} {place.Area.Name} #{number}"),
                    Latitude: latitude,
                    Longitude: longitude);
                // Not HashCode.Combine: it is randomised per process, and a seed must reproduce a run.
                var seed = unchecked((options.Seed * 1_000_003) + (devices.Count * 7919) + (int)domain);
                devices.Add(new SimulatedDevice(record, DeviceModel.Create(domain, seed)));
            }
        }
    }

    /// <summary>Where a commune's devices may stand: inside its polygon, or near its point and inside the province.</summary>
    private sealed class Place(Area area, IPointOnGeometryLocator outline)
    {
        private const int Attempts = 64;
        private readonly IPointOnGeometryLocator _inside = area.Geometry is Point ? outline : new IndexedPointInAreaLocator(area.Geometry);
        private readonly Envelope _envelope = area.Geometry is Point p
            ? new Envelope(p.X - PointSpreadDegrees, p.X + PointSpreadDegrees, p.Y - PointSpreadDegrees, p.Y + PointSpreadDegrees)
            : area.Geometry.EnvelopeInternal;

        public Area Area { get; } = area;

        /// <summary>A uniform point of the envelope that falls inside; the area's anchor if none does in a few tries.</summary>
        public (double Latitude, double Longitude) RandomPosition(Random random)
        {
            for (var i = 0; i < Attempts; i++)
            {
                var at = new Coordinate(_envelope.MinX + (random.NextDouble() * _envelope.Width), _envelope.MinY + (random.NextDouble() * _envelope.Height));
                if (_inside.Locate(at) == Location.Interior)
                {
                    return (Math.Round(at.Y, 5), Math.Round(at.X, 5));
                }
            }

            return (Math.Round(Area.Anchor.Y, 5), Math.Round(Area.Anchor.X, 5));
        }
    }
}
