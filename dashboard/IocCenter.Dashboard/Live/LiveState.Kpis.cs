using IocCenter.Analytics.Incidents;
using IocCenter.Telemetry;

namespace IocCenter.Dashboard.Live;

/// <summary>The live state's tiles: what the KPI tiles count, per view.</summary>
public sealed partial class LiveState
{
    /// <summary>Whether the tiles count this device (with <see cref="KpiDevices.Registered"/>, only registered ones).</summary>
    private bool Counts(Device d) => !_registeredOnly || directory.Find(d.Id) is not null;

    private Kpis KpisLocked(ViewFilter filter, long now)
    {
        var shown = _devices.Values.Where(d => filter.Shows(d.Domain.Name(), d.Area) && Counts(d)).ToList();
        var online = TelemetryDomains.All.ToDictionary(d => d.Name(), d => shown.Count(x => x.Domain == d && IsOnline(x, now)));
        var total = TelemetryDomains.All.ToDictionary(d => d.Name(), d => shown.Count(x => x.Domain == d));
        var open = _unresolved.Values.Where(i => filter.Area is null || i.Area == filter.Area).ToList();
        // With registered devices only, an unregistered device's incidents do not count either (area incidents do).
        var counted = open.Where(i => i.DeviceId is null || !_registeredOnly || directory.Find(i.DeviceId) is not null).ToList();
        var bySeverity = Enum.GetValues<Severity>().ToDictionary(s => s.Code(), s => counted.Count(i => i.Severity == s));
        var aqi = shown.Select(d => CurrentAqi(d, now)).Where(v => v is not null).MaxBy(v => v!.Value);
        var roads = shown.Where(d => d.Domain == TelemetryDomain.Traffic && IsOnline(d, now)).ToList();
        var jammed = roads.Count(d => open.Any(i => i.Kind == IncidentKind.Congestion && i.DeviceId == d.Id && i.Active));
        var links = shown.Where(d => d.Domain == TelemetryDomain.Connectivity).ToList();
        var up = links.Count(d => IsOnline(d, now) && !open.Any(i => i.Kind == IncidentKind.ConnectivityDegraded && i.DeviceId == d.Id && i.Active));
        return new Kpis(online, total, bySeverity, aqi,
            roads.Count == 0 ? 0 : Math.Round(100.0 * jammed / roads.Count, 1),
            links.Count == 0 ? 100 : Math.Round(100.0 * up / links.Count, 1));
    }

    /// <summary>
    /// A station's index as the tile shows it: its provisional warning while it has one (see
    /// <see cref="Analytics.AirQuality.StationAqi.Warning"/>) above the last hour's index and fresh (its newest bin within
    /// the half hour: a station gone silent mid-warning falls back to its last official hour), else the last hour's.
    /// </summary>
    private static AqiView? CurrentAqi(Device d, long now)
    {
        if (d.Aqi?.Warning is { } warning && d.Aqi.NewestBinMs is { } newest && now - newest <= 35 * 60_000L && warning.Value > (d.LastAqi?.Value ?? -1))
        {
            var c = warning.Category;
            return new AqiView(d.Id, d.Area, warning.Value, c.NameVi, c.NameEn, c.ColorHex, Provisional: true, Minutes: warning.Minutes);
        }

        return d.LastAqi is { } hourly
            ? new AqiView(d.Id, d.Area, hourly.Value, hourly.Category.NameVi, hourly.Category.NameEn, hourly.Category.ColorHex)
            : null;
    }

    private double? Average(TelemetryDomain domain, string metric, long now)
    {
        double sum = 0;
        var count = 0;
        foreach (var d in _devices.Values)
        {
            if (d.Domain == domain && IsOnline(d, now) && d.Values.TryGetValue(metric, out var v))
            {
                sum += v;
                count++;
            }
        }

        return count == 0 ? null : Math.Round(sum / count, 2);
    }
}
