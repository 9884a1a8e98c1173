using IocCenter.Analytics.Incidents;

namespace IocCenter.Dashboard.Live;

/// <summary>A device as the screens show it: its state colour and last values; its area by code and by name (from the province pack).</summary>
public sealed record DeviceView(
    string Id,
    string Domain,
    string? Area,
    string? AreaName,
    string? Name,
    double? Lat,
    double? Lon,
    bool Online,
    string State,
    string? Severity,
    long? Ts,
    IReadOnlyDictionary<string, double> Values);

/// <summary>
/// A device a screen already knows (from its snapshot or an earlier delta), as it changed: its state and last values
/// without what does not change (domain, area, name, position). A third smaller than a <see cref="DeviceView"/>,
/// and a wall receives one per device every second.
/// </summary>
/// <remarks><see cref="Values"/> only for screens that asked for values (see <see cref="ViewFilter.Values"/>).</remarks>
public sealed record DeviceChange(
    string Id,
    bool Online,
    string State,
    string? Severity,
    long? Ts,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, double>? Values);

/// <summary>
/// The worst station's VN_AQI with its official category and colour: the last hour's index, or, while a station's
/// provisional ("tạm tính") index of the running hour is a warning (Xấu or worse) and above it, that one, with
/// <see cref="Provisional"/> set and <see cref="Minutes"/> the span it is from.
/// </summary>
public sealed record AqiView(string Device, string? Area, int Value, string CategoryVi, string CategoryEn, string Color, bool Provisional = false, int? Minutes = null);

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

/// <summary>A commune-level area of the province pack, as the screens list it: code, name, type and where its label goes.</summary>
public sealed record AreaView(string Code, string Name, string Type, double Lat, double Lon)
{
    public static AreaView Of(Geography.Area area)
    {
        ArgumentNullException.ThrowIfNull(area);
        return new(area.Code, area.Name, area.Type, area.Anchor.Y, area.Anchor.X);
    }
}

/// <summary>What a screen gets on connecting (and after any gap): everything it shows.</summary>
public sealed record Snapshot(string Province, IReadOnlyList<AreaView> Areas, IReadOnlyList<DeviceView> Devices, Kpis Kpis, IReadOnlyList<Incident> Incidents, IReadOnlyList<ChartPoint> Chart);

/// <summary>
/// What changed for a screen since it was last told: devices (each at most once a second) — in full when they are
/// new to screens (<see cref="Devices"/>), as a <see cref="DeviceChange"/> otherwise (<see cref="Changes"/>) — and
/// once a second the tiles and a chart point (null in the deltas between).
/// </summary>
/// <remarks><see cref="Removed"/>: devices an admin removed or that were forgotten (null: none); a screen drops them (ids it does not know it ignores).</remarks>
public sealed record Delta(
    IReadOnlyList<DeviceView> Devices,
    IReadOnlyList<DeviceChange> Changes,
    Kpis? Kpis,
    ChartPoint? Chart,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Removed = null);

/// <summary>
/// A screen's view: all of the province, or one domain and/or one area; with <see cref="Values"/>, every device's
/// latest values once a second, otherwise (a wall's map) only the devices whose state changed.
/// </summary>
public sealed record ViewFilter(string? Domain, string? Area, bool Values = false)
{
    public static ViewFilter All { get; } = new(null, null);

    /// <remarks>An empty filter (<c>?area=</c>, as a form with nothing chosen sends it) shows everything, as a missing one does.</remarks>
    public bool Shows(string domain, string? area) =>
        (string.IsNullOrEmpty(Domain) || Domain == domain) && (string.IsNullOrEmpty(Area) || Area == area);
}

/// <summary>One broadcaster tick of <see cref="LiveState"/>: see <see cref="LiveState.Tick"/>.</summary>
public sealed record TickResult(IReadOnlyCollection<string> Changed, IReadOnlyCollection<string> States, IReadOnlySet<string> Announced, ChartPoint? Chart)
{
    /// <summary>The devices a delta for <paramref name="filter"/> carries.</summary>
    public IReadOnlyCollection<string> For(ViewFilter filter) => filter.Values ? Changed : States;
}
