using System.Globalization;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace IocCenter.Geography.Cli.Import;

/// <summary>
/// The coordinate reference system of an imported file and its conversion to WGS84 (ProjNET). VN-2000 is always given
/// the official seven parameters of Quyết định 05/2007/QĐ-BTNMT, whatever the <c>.prj</c> says: ArcGIS writes VN-2000
/// without TOWGS84, and a conversion without them is off by about 200 m.
/// </summary>
internal sealed class ReferenceSystem
{
    /// <summary>VN-2000 → WGS84, position-vector convention (OGC WKT TOWGS84, as PROJ's +towgs84 reads the same numbers).</summary>
    public const string Vn2000ToWgs84 = "TOWGS84[-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278]";

    /// <summary>Central meridians of the VN-2000 TM-3 zones the provinces use (Thông tư 973/2001/TT-TCĐC).</summary>
    public static IReadOnlyList<double> Tm3Meridians { get; } =
        [102, 103, 104, 104.5, 104.75, 105, 105.5, 105.75, 106, 106.25, 106.5, 107, 107.25, 107.5, 107.75, 108, 108.25, 108.5];

    private const string Vn2000Geographic = "GEOGCS[\"VN-2000\",DATUM[\"Vietnam_2000\",SPHEROID[\"WGS 84\",6378137,298.257223563]," + Vn2000ToWgs84
        + "],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]";

    private readonly MathTransform? _toWgs84;

    private ReferenceSystem(string description, MathTransform? toWgs84)
    {
        Description = description;
        _toWgs84 = toWgs84;
    }

    /// <summary>Said to the user: "VN-2000 / TM-3 105°45′", "WGS84".</summary>
    public string Description { get; }

    public static ReferenceSystem Wgs84 { get; } = new("WGS84 (EPSG:4326)", null);

    public bool IsWgs84 => _toWgs84 is null;

    public (double Lon, double Lat) ToWgs84(double x, double y) => _toWgs84 is null ? (x, y) : _toWgs84.Transform(x, y);

    /// <summary>From <c>--crs</c>: EPSG:4326, EPSG:4756 (VN-2000), EPSG:3405/3406 (VN-2000 / UTM 48N/49N) or vn2000-tm3:MERIDIAN.</summary>
    public static ReferenceSystem? FromOption(string option, out string? error)
    {
        error = null;
        var text = option.Trim().ToUpperInvariant();
        switch (text)
        {
            case "EPSG:4326" or "WGS84":
                return Wgs84;
            case "EPSG:4756":
                return Vn2000(null, 0, 1, 0, "VN-2000 (EPSG:4756)");
            case "EPSG:3405":
                return Vn2000(105, 0.9996, 500000, 0, "VN-2000 / UTM 48N (EPSG:3405)");
            case "EPSG:3406":
                return Vn2000(111, 0.9996, 500000, 0, "VN-2000 / UTM 49N (EPSG:3406)");
        }

        if (text.StartsWith("VN2000-TM3:", StringComparison.Ordinal)
            && double.TryParse(text["VN2000-TM3:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out var meridian)
            && Tm3Meridians.Contains(meridian))
        {
            return Vn2000(meridian, 0.9999, 500000, 0, Tm3Name(meridian));
        }

        error = $"--crs '{option}': dùng EPSG:4326, EPSG:4756, EPSG:3405, EPSG:3406 hoặc vn2000-tm3:KINH_TUYẾN (ví dụ vn2000-tm3:105.75) / "
            + "use EPSG:4326, EPSG:4756, EPSG:3405, EPSG:3406 or vn2000-tm3:MERIDIAN (e.g. vn2000-tm3:105.75); TM-3 meridians: "
            + string.Join(", ", Tm3Meridians.Select(m => m.ToString(CultureInfo.InvariantCulture)));
        return null;
    }

    /// <summary>From a <c>.prj</c> (ESRI or OGC WKT). Null, with the reason, when it is not a system this tool converts.</summary>
    public static ReferenceSystem? FromWkt(string wkt, out string? error)
    {
        error = null;
        CoordinateSystem system;
        try
        {
            system = new CoordinateSystemFactory().CreateFromWkt(wkt);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or NotSupportedException or InvalidOperationException)
        {
            error = $"không đọc được .prj (WKT) / cannot read the .prj (WKT): {e.Message}";
            return null;
        }

        var geographic = system switch
        {
            ProjectedCoordinateSystem p => p.GeographicCoordinateSystem,
            GeographicCoordinateSystem g => g,
            _ => null,
        };
        if (geographic is null)
        {
            error = $"hệ tọa độ không hỗ trợ / unsupported coordinate system: {system.Name}";
            return null;
        }

        var datum = Letters(geographic.HorizontalDatum.Name) + "|" + Letters(geographic.Name);
        var isVn2000 = datum.Contains("VN2000", StringComparison.Ordinal) || datum.Contains("VIETNAM2000", StringComparison.Ordinal);
        var isWgs84 = !isVn2000 && (datum.Contains("WGS84", StringComparison.Ordinal) || datum.Contains("WGS1984", StringComparison.Ordinal));
        if (!isVn2000 && !isWgs84)
        {
            error = $"hệ quy chiếu '{geographic.HorizontalDatum.Name}' không hỗ trợ (chỉ VN-2000, WGS84); dùng --crs nếu chắc chắn / "
                + $"datum '{geographic.HorizontalDatum.Name}' is not supported (VN-2000 and WGS84 only); give --crs if you are sure";
            return null;
        }

        if (system is GeographicCoordinateSystem)
        {
            return isWgs84 ? Wgs84 : Vn2000(null, 0, 1, 0, "VN-2000 (EPSG:4756)");
        }

        var projected = (ProjectedCoordinateSystem)system;
        if (!Letters(projected.Projection.ClassName).Contains("TRANSVERSEMERCATOR", StringComparison.Ordinal))
        {
            error = $"phép chiếu '{projected.Projection.ClassName}' không hỗ trợ / unsupported projection '{projected.Projection.ClassName}'";
            return null;
        }

        var meridian = Parameter(projected, "centralmeridian");
        var scale = Parameter(projected, "scalefactor");
        var easting = Parameter(projected, "falseeasting");
        var northing = Parameter(projected, "falsenorthing");
        if (isWgs84)
        {
            return new($"WGS84 / Transverse Mercator {meridian.ToString(CultureInfo.InvariantCulture)}°", Transform(projected));
        }

        var known = (scale, easting, northing) switch
        {
            (0.9999, 500000, 0) when Tm3Meridians.Contains(meridian) => Tm3Name(meridian),
            (0.9996, 500000, 0) when meridian == 105 => "VN-2000 / UTM 48N (EPSG:3405)",
            (0.9996, 500000, 0) when meridian == 111 => "VN-2000 / UTM 49N (EPSG:3406)",
            _ => null,
        };
        if (known is null)
        {
            error = string.Create(CultureInfo.InvariantCulture,
                $"VN-2000 với kinh tuyến trục {meridian}, hệ số {scale}, độ dời {easting}/{northing} không phải múi TM-3 hay UTM đã biết; dùng --crs nếu chắc chắn / "
                + $"VN-2000 with central meridian {meridian}, scale {scale}, false easting/northing {easting}/{northing} is no known TM-3 or UTM zone; give --crs if you are sure");
            return null;
        }

        return Vn2000(meridian, scale, easting, northing, known);
    }

    private static ReferenceSystem Vn2000(double? meridian, double scale, double easting, double northing, string description)
    {
        var wkt = meridian is not { } m
            ? Vn2000Geographic
            : string.Create(CultureInfo.InvariantCulture,
                $"PROJCS[\"{description}\",{Vn2000Geographic},PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",{m}],PARAMETER[\"scale_factor\",{scale}],PARAMETER[\"false_easting\",{easting}],PARAMETER[\"false_northing\",{northing}],UNIT[\"metre\",1]]");
        return new(description, Transform(new CoordinateSystemFactory().CreateFromWkt(wkt)));
    }

    private static MathTransform Transform(CoordinateSystem source) =>
        new CoordinateTransformationFactory().CreateFromCoordinateSystems(source, GeographicCoordinateSystem.WGS84).MathTransform;

    private static string Tm3Name(double meridian)
    {
        var minutes = (int)Math.Round((meridian - Math.Floor(meridian)) * 60);
        return string.Create(CultureInfo.InvariantCulture, $"VN-2000 / TM-3 {Math.Floor(meridian)}°{minutes:00}′");
    }

    private static double Parameter(ProjectedCoordinateSystem system, string name)
    {
        for (var i = 0; i < system.Projection.NumParameters; i++)
        {
            var parameter = system.Projection.GetParameter(i);
            if (string.Equals(Letters(parameter.Name), name, StringComparison.OrdinalIgnoreCase))
            {
                return parameter.Value;
            }
        }

        return name == "scalefactor" ? 1 : 0;
    }

    private static string Letters(string? text) =>
        new((text ?? "").Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
}
