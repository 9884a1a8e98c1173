using System.Globalization;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Operation.Valid;

namespace IocCenter.Geography;

/// <summary>The checks of docs/province-pack.md on <c>province.json</c>, the outline and the areas: each problem one line, in both languages.</summary>
internal static class PackValidation
{
    public static readonly IReadOnlySet<string> AreaTypes = new HashSet<string>(StringComparer.Ordinal) { "xã", "phường", "đặc khu" };

    public static void CheckManifest(string path, ProvincePack.PackManifest manifest, List<PackProblem> problems)
    {
        if (manifest.Format != 1)
        {
            problems.Add(new(path, "format", $"phiên bản định dạng {manifest.Format} không được hỗ trợ (chỉ 1)", $"format {manifest.Format} is not supported (only 1)"));
        }

        if (string.IsNullOrWhiteSpace(manifest.Code) || manifest.Code.Length != 2 || !manifest.Code.All(char.IsAsciiDigit))
        {
            problems.Add(new(path, "code", $"thiếu hoặc sai mã tỉnh \"{manifest.Code}\" (2 chữ số, ví dụ \"82\")", $"missing or invalid province code \"{manifest.Code}\" (2 digits, e.g. \"82\")"));
        }

        if (string.IsNullOrWhiteSpace(manifest.Name))
        {
            problems.Add(new(path, "name", "thiếu tên tỉnh", "missing province name"));
        }

        if (string.IsNullOrWhiteSpace(manifest.TimeZone))
        {
            problems.Add(new(path, "timeZone", "thiếu múi giờ (ví dụ \"Asia/Ho_Chi_Minh\")", "missing time zone (e.g. \"Asia/Ho_Chi_Minh\")"));
        }
        else if (!TimeZoneInfo.TryFindSystemTimeZoneById(manifest.TimeZone, out _))
        {
            problems.Add(new(path, "timeZone", $"múi giờ \"{manifest.TimeZone}\" không có trong cơ sở dữ liệu IANA của máy", $"time zone \"{manifest.TimeZone}\" is not a known IANA zone on this machine"));
        }
    }

    /// <summary>The outline: one or more Polygon/MultiPolygon features, each valid; null when it cannot be used.</summary>
    public static Geometry? ReadOutline(string path, FeatureCollection? features, List<PackProblem> problems)
    {
        if (features is null)
        {
            return null;
        }

        if (features.Count == 0)
        {
            problems.Add(new(path, null, "không có ranh giới tỉnh (FeatureCollection rỗng)", "no province outline (empty FeatureCollection)"));
            return null;
        }

        var parts = new List<Geometry>();
        for (var i = 0; i < features.Count; i++)
        {
            var geometry = features[i].Geometry;
            var where = $"feature {i}";
            if (geometry is not (Polygon or MultiPolygon))
            {
                problems.Add(new(path, where, $"ranh giới phải là Polygon hoặc MultiPolygon, không phải {TypeName(geometry)}", $"the outline must be a Polygon or MultiPolygon, not {TypeName(geometry)}"));
            }
            else if (CheckValid(path, where, geometry, problems))
            {
                parts.Add(geometry);
            }
        }

        return parts.Count == features.Count ? (parts.Count == 1 ? parts[0] : parts[0].Factory.BuildGeometry(parts).Union()) : null;
    }

    /// <summary>The areas, each checked; null when the file cannot be used. An area with a problem is left out.</summary>
    /// <remarks><paramref name="declared"/> gets every code the file has, kept or not: a device in an area with a problem is not also "in no area".</remarks>
    public static List<Area>? ReadAreas(string path, FeatureCollection? features, Geometry? outline, List<PackProblem> problems, ISet<string> declared)
    {
        if (features is null)
        {
            return null;
        }

        if (features.Count == 0)
        {
            problems.Add(new(path, null, "không có xã/phường nào (FeatureCollection rỗng)", "no areas (empty FeatureCollection)"));
        }

        var inside = outline is null ? null : PreparedGeometryFactory.Prepare(AreaLocator.Widened(outline));
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var areas = new List<Area>(features.Count);
        for (var i = 0; i < features.Count; i++)
        {
            var feature = features[i];
            var code = Text(feature, "code");
            var name = Text(feature, "name");
            var type = Text(feature, "type");
            var where = string.IsNullOrEmpty(code) ? $"feature {i}" : $"feature {i}, code {code}";
            var before = problems.Count;
            if (string.IsNullOrWhiteSpace(code))
            {
                problems.Add(new(path, where, "thiếu thuộc tính \"code\" (mã xã)", "missing property \"code\" (the commune code)"));
            }
            else if (!IsAreaCode(code))
            {
                // It becomes the area tag of readings and part of simulated device ids: only what the MQTT contract allows there.
                problems.Add(new(path, where, $"mã xã \"{Shown(code)}\" không hợp lệ: cần mã số của xã (5 chữ số theo Công văn 1027/CTK-CSCL), hoặc chữ, số, '.', '_', '-', tối đa 16 ký tự", $"area code \"{Shown(code)}\" is not valid: use the commune's official number (5 digits, Công văn 1027/CTK-CSCL), or letters, digits, '.', '_', '-', at most 16 characters"));
            }
            else if (seen.TryGetValue(code, out var first))
            {
                problems.Add(new(path, where, $"trùng mã xã {code} (đã có ở feature {first})", $"duplicate area code {code} (already at feature {first})"));
            }
            else
            {
                seen[code] = i;
                declared.Add(code);
            }

            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add(new(path, where, "thiếu thuộc tính \"name\" (tên xã)", "missing property \"name\" (the commune name)"));
            }

            if (!AreaTypes.Contains(type))
            {
                problems.Add(new(path, where, $"loại \"{type}\" không hợp lệ (xã, phường hoặc đặc khu)", $"type \"{type}\" is not one of xã, phường, đặc khu"));
            }

            var geometry = feature.Geometry;
            if (geometry is not (Polygon or MultiPolygon or Point) || geometry.IsEmpty)
            {
                problems.Add(new(path, where, $"hình học phải là Polygon, MultiPolygon hoặc Point, không phải {TypeName(geometry)}", $"the geometry must be a Polygon, MultiPolygon or Point, not {TypeName(geometry)}"));
            }
            else if (CheckValid(path, where, geometry, problems) && inside is not null && !inside.Covers(geometry))
            {
                var at = geometry is Point ? geometry : geometry.InteriorPoint;
                problems.Add(new(path, where,
                    $"nằm ngoài ranh giới tỉnh (quá {AreaLocator.ToleranceDegrees}° ≈ 1 km; gần {Position(at)})",
                    $"lies outside the province outline (by more than {AreaLocator.ToleranceDegrees}° ≈ 1 km; near {Position(at)})"));
            }

            if (problems.Count == before)
            {
                var approximate = feature.Attributes?.Exists("approximate") == true && feature.Attributes["approximate"] is true;
                var shortName = Text(feature, "shortName");
                areas.Add(new Area(code, name, shortName.Length > 0 ? shortName : name, type, geometry!, approximate));
            }
        }

        return areas;
    }

    /// <summary>NTS's validity check (OGC simple features): a self-intersecting ring, a hole outside its shell, … with where it is.</summary>
    private static bool CheckValid(string path, string where, Geometry geometry, List<PackProblem> problems)
    {
        var error = new IsValidOp(geometry).ValidationError;
        if (error is null)
        {
            return true;
        }

        var at = error.Coordinate is { } c ? string.Create(CultureInfo.InvariantCulture, $"{c.Y:0.#####}, {c.X:0.#####}") : "?";
        problems.Add(new(path, where,
            $"hình học không hợp lệ: {Vietnamese(error.ErrorType)} tại (vĩ độ, kinh độ) {at}",
            $"invalid geometry: {error.Message} at (lat, lon) {at}"));
        return false;
    }

    private static string Vietnamese(TopologyValidationErrors error) => error switch
    {
        TopologyValidationErrors.SelfIntersection or TopologyValidationErrors.RingSelfIntersection => "đường biên tự cắt nhau",
        TopologyValidationErrors.TooFewPoints => "quá ít điểm",
        TopologyValidationErrors.RingNotClosed => "vòng không khép kín",
        TopologyValidationErrors.HoleOutsideShell => "lỗ nằm ngoài vỏ",
        TopologyValidationErrors.NestedHoles or TopologyValidationErrors.NestedShells => "vòng lồng nhau",
        TopologyValidationErrors.DisconnectedInteriors => "phần trong bị tách rời",
        TopologyValidationErrors.InvalidCoordinate => "tọa độ không hợp lệ",
        _ => "vi phạm quy tắc hình học",
    };

    private static string TypeName(Geometry? geometry) => geometry?.GeometryType ?? "null";

    private static string Position(Geometry point) =>
        string.Create(CultureInfo.InvariantCulture, $"{point.Coordinate.Y:0.#####}, {point.Coordinate.X:0.#####}");

    /// <summary>A text property, in Unicode NFC ("xã" typed with a combining accent is the same word); "" when absent.</summary>
    private static string Text(IFeature feature, string name) =>
        feature.Attributes?.Exists(name) == true
            ? (Convert.ToString(feature.Attributes[name], CultureInfo.InvariantCulture) ?? "").Normalize(System.Text.NormalizationForm.FormC)
            : "";

    private static bool IsAreaCode(string code) =>
        code.Length <= 16 && char.IsAsciiLetterOrDigit(code[0]) && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static string Shown(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
