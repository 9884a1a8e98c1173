using IocCenter.Analytics.Incidents;

namespace IocCenter.Dashboard.Live;

/// <summary>A device as the screens show it: its state colour and last values.</summary>
public sealed record DeviceView(
    string Id,
    string Domain,
    string? Area,
    string? Name,
    double? Lat,
    double? Lon,
    bool Online,
    string State,
    string? Severity,
    long? Ts,
    IReadOnlyDictionary<string, double> Values);

/// <summary>The worst station's hourly VN_AQI with its official category and colour.</summary>
public sealed record AqiView(string Device, string? Area, int Value, string CategoryVi, string CategoryEn, string Color);

/// <summary>The wall's tiles.</summary>
public sealed record Kpis(
    IReadOnlyDictionary<string, int> Online,
    IReadOnlyDictionary<string, int> Total,
    IReadOnlyDictionary<string, int> OpenBySeverity,
    AqiView? WorstAqi,
    double CongestionIndex,
    double Availability);

/// <summary>One point of each domain's live chart: the fleet averages of the metric the wall plots.</summary>
public sealed record ChartPoint(long Ts, double? AvgSpeedKmh, double? AvgPm25, double? AvgLatencyMs);

public sealed record AreaView(string Id, string Name, double Lat, double Lon);

/// <summary>What a screen gets on connecting (and after any gap): everything it shows.</summary>
public sealed record Snapshot(string Province, IReadOnlyList<AreaView> Areas, IReadOnlyList<DeviceView> Devices, Kpis Kpis, IReadOnlyList<Incident> Incidents, IReadOnlyList<ChartPoint> Chart);

/// <summary>
/// What changed for a screen since it was last told: devices (each at most once a second), and once a second
/// the tiles and a chart point (null in the deltas between).
/// </summary>
public sealed record Delta(IReadOnlyList<DeviceView> Devices, Kpis? Kpis, ChartPoint? Chart);

/// <summary>A screen's view: all of the province, or one domain and/or one area.</summary>
public sealed record ViewFilter(string? Domain, string? Area)
{
    public static ViewFilter All { get; } = new(null, null);

    public bool Shows(string domain, string? area) =>
        (Domain is null || Domain == domain) && (Area is null || Area == area);
}
