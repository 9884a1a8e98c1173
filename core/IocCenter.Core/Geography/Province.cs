using System.Collections.Frozen;
using IocCenter.Devices;
using NetTopologySuite.Geometries;

namespace IocCenter.Geography;

/// <summary>
/// One deployment's geography, from its province pack: the province, its outline, its areas and, when one is configured,
/// the device registry (the pack's <c>devices.json</c>, or <c>Devices:RegistryPath</c>).
/// </summary>
public sealed class Province
{
    private readonly FrozenDictionary<string, Area> _byCode;

    public Province(string code, string name, string fullName, string timeZone, Geometry outline, IReadOnlyList<Area> areas, bool approximatePositions, IReadOnlyList<string> attribution)
    {
        ArgumentNullException.ThrowIfNull(areas);
        Code = code;
        Name = name;
        FullName = fullName;
        TimeZone = timeZone;
        Outline = outline;
        Areas = areas;
        ApproximatePositions = approximatePositions;
        Attribution = attribution;
        _byCode = areas.DistinctBy(a => a.Code, StringComparer.Ordinal).ToFrozenDictionary(a => a.Code, StringComparer.Ordinal);
        _locator = new(() => new AreaLocator(this));
    }

    private readonly Lazy<AreaLocator> _locator;

    /// <summary>The provincial code (Công văn 915/CTK-CSCL), e.g. "82".</summary>
    public string Code { get; }

    /// <summary>The short name people say ("Đồng Tháp", "Huế").</summary>
    public string Name { get; }

    /// <summary>The official name ("Tỉnh Đồng Tháp", "Thành phố Huế").</summary>
    public string FullName { get; }

    /// <summary>IANA time zone of the province's local time (Asia/Ho_Chi_Minh).</summary>
    public string TimeZone { get; }

    public Geometry Outline { get; }

    public IReadOnlyList<Area> Areas { get; }

    /// <summary>Whether area positions were placed by the pack's builder (no surveyed polygons): the map says so.</summary>
    public bool ApproximatePositions { get; }

    /// <summary>Where the data comes from and under which licence: shown with the map.</summary>
    public IReadOnlyList<string> Attribution { get; }

    public Area? FindArea(string? code) => code is not null && _byCode.TryGetValue(code, out var area) ? area : null;

    /// <summary>The registered devices, areas resolved; null when no registry is configured (the demo: every device is watched).</summary>
    public IReadOnlyList<DeviceRecord>? Devices { get; private init; }

    /// <summary>The registry file <see cref="Devices"/> came from.</summary>
    public string? RegistryPath { get; private init; }

    /// <summary>Which area a position is in (point-in-polygon; see <see cref="AreaLocator"/>).</summary>
    public AreaLocator Locator => _locator.Value;

    /// <summary>This province with its device registry.</summary>
    public Province WithDevices(IReadOnlyList<DeviceRecord> devices, string registryPath) =>
        new(Code, Name, FullName, TimeZone, Outline, Areas, ApproximatePositions, Attribution) { Devices = devices, RegistryPath = registryPath };
}
