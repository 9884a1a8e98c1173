using System.Collections.Frozen;
using NetTopologySuite.Geometries;

namespace IocCenter.Geography;

/// <summary>One deployment's geography, from its province pack: the province, its outline and its areas.</summary>
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
        _byCode = areas.ToFrozenDictionary(a => a.Code, StringComparer.Ordinal);
    }

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
}
