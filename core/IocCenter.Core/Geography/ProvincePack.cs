using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace IocCenter.Geography;

/// <summary>
/// Reads a province pack folder (see docs/province-pack.md). Every problem is collected, none thrown: the host reports
/// them all at once and exits 2.
/// </summary>
public static class ProvincePack
{
    /// <summary>GeoJSON through NetTopologySuite, for the pack's files and for the API that serves them.</summary>
    public static JsonSerializerOptions GeoJsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new GeoJsonConverterFactory() },
    };

    public static (Province? Province, IReadOnlyList<PackProblem> Problems) Load(string folder)
    {
        var problems = new List<PackProblem>();
        var manifest = Read<Manifest>(folder, "province.json", problems, JsonOptions);
        if (manifest is null)
        {
            return (null, problems);
        }

        var outline = Read<FeatureCollection>(folder, manifest.Outline ?? "outline.geojson", problems, GeoJsonOptions);
        var areas = Read<FeatureCollection>(folder, manifest.Areas ?? "areas.geojson", problems, GeoJsonOptions);
        if (outline is null || areas is null || problems.Count > 0)
        {
            return (null, problems);
        }

        var list = new List<Area>(areas.Count);
        foreach (var feature in areas)
        {
            list.Add(new Area(
                Text(feature, "code"),
                Text(feature, "name"),
                Text(feature, "shortName"),
                Text(feature, "type"),
                feature.Geometry,
                feature.Attributes?.Exists("approximate") == true && feature.Attributes["approximate"] is true));
        }

        var shape = outline.Count == 1 ? outline[0].Geometry : new GeometryFactory().BuildGeometry(outline.Select(f => f.Geometry));
        var province = new Province(
            manifest.Code ?? "",
            manifest.Name ?? "",
            manifest.FullName ?? manifest.Name ?? "",
            manifest.TimeZone ?? "Asia/Ho_Chi_Minh",
            shape,
            list,
            manifest.ApproximatePositions,
            manifest.Attribution ?? []);
        return (province, problems);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static string Text(IFeature feature, string name) =>
        feature.Attributes?.Exists(name) == true ? Convert.ToString(feature.Attributes[name], System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";

    private static T? Read<T>(string folder, string file, List<PackProblem> problems, JsonSerializerOptions options)
        where T : class
    {
        var path = Path.Combine(folder, file);
        try
        {
            using var stream = File.OpenRead(path);
            var value = JsonSerializer.Deserialize<T>(stream, options);
            if (value is null)
            {
                problems.Add(new(path, null, "tệp rỗng", "the file is empty"));
            }

            return value;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new(path, null, $"không đọc được tệp ({e.Message})", $"cannot read the file ({e.Message})"));
        }
        catch (JsonException e)
        {
            problems.Add(new(path, e.LineNumber is { } line ? $"dòng {line + 1} / line {line + 1}" : null, $"JSON không hợp lệ ({e.Message})", $"invalid JSON ({e.Message})"));
        }

        return null;
    }

    private sealed record Manifest(
        int Format,
        string? Code,
        string? Name,
        string? FullName,
        string? TimeZone,
        string? Outline,
        string? Areas,
        string? Devices,
        string? Communes,
        bool ApproximatePositions,
        IReadOnlyList<string>? Attribution);
}
