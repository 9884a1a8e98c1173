using System.Text.Json;
using NetTopologySuite.Features;
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

    /// <summary>
    /// Reads and checks the pack in <paramref name="folder"/>. The device registry is <paramref name="registryPath"/>
    /// when given (<c>Devices:RegistryPath</c>), else the pack's own <c>devices.json</c> when it names one.
    /// </summary>
    public static (Province? Province, IReadOnlyList<PackProblem> Problems) Load(string folder, string? registryPath = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var problems = new List<PackProblem>();
        var manifestPath = Path.Combine(folder, "province.json");
        var manifest = Read<PackManifest>(manifestPath, problems, JsonOptions);
        if (manifest is null)
        {
            return (null, problems);
        }

        PackValidation.CheckManifest(manifestPath, manifest, problems);
        var outlinePath = PackFiles.Resolve(folder, manifestPath, "outline", manifest.Outline, "outline.geojson", problems);
        var areasPath = PackFiles.Resolve(folder, manifestPath, "areas", manifest.Areas, "areas.geojson", problems);
        var outline = outlinePath is null ? null : PackValidation.ReadOutline(outlinePath, Read<FeatureCollection>(outlinePath, problems, GeoJsonOptions), problems);
        var declared = new HashSet<string>(StringComparer.Ordinal);
        var areas = areasPath is null ? null : PackValidation.ReadAreas(areasPath, Read<FeatureCollection>(areasPath, problems, GeoJsonOptions), outline, problems, declared);
        var province = outline is null || areas is null ? null : new Province(
            manifest.Code ?? "",
            manifest.Name ?? "",
            manifest.FullName ?? manifest.Name ?? "",
            manifest.TimeZone ?? "",
            outline,
            areas,
            manifest.ApproximatePositions,
            manifest.Attribution ?? []);

        // The registry is checked even when the outline or the areas could not be used, so that one start reports every
        // problem of the pack; only the checks that need what is missing are left out (positions, area codes).
        var registry = !string.IsNullOrEmpty(registryPath) ? registryPath
            : manifest.Devices is { Length: > 0 } named ? PackFiles.Resolve(folder, manifestPath, "devices", named, named, problems)
            : null;
        if (registry is not null)
        {
            // Without usable areas the outline alone still tells inside from outside (and swapped coordinates).
            var against = province ?? (outline is null ? null : new Province(manifest.Code ?? "", manifest.Name ?? "", manifest.FullName ?? manifest.Name ?? "", manifest.TimeZone ?? "", outline, [], false, []));
            var devices = DeviceRegistryReader.Read(registry, against, areas is null ? null : declared, problems);
            province = province?.WithDevices(devices, registry);
        }

        return (problems.Count == 0 ? province : null, problems);
    }

    /// <summary>For tools, benchmarks and tests: the pack, or an exception listing every problem in it.</summary>
    public static Province Open(string? folder = null, string? registryPath = null)
    {
        var (province, problems) = Load(folder ?? ProvinceOptions.DefaultPath, registryPath);
        return province ?? throw new InvalidDataException(
            "Gói tỉnh không hợp lệ / Invalid province pack:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
    }

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    internal static T? Read<T>(string path, List<PackProblem> problems, JsonSerializerOptions options)
        where T : class
    {
        if (PackFiles.Read(path, problems) is not { } bytes)
        {
            return null;
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, options);
            if (value is null)
            {
                problems.Add(new(path, null, "tệp rỗng (null)", "the file is empty (null)"));
            }

            return value;
        }
        catch (JsonException e)
        {
            problems.Add(new(path, Line(e) ?? BadFeature(bytes, options), $"JSON/GeoJSON không hợp lệ: {e.Message}", $"invalid JSON/GeoJSON: {e.Message}"));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or NotSupportedException)
        {
            // The GeoJSON reader throws these for a well-formed JSON that is not GeoJSON (a ring of two points, …).
            problems.Add(new(path, BadFeature(bytes, options), $"GeoJSON không hợp lệ: {e.Message}", $"invalid GeoJSON: {e.Message}"));
        }

        return null;
    }

    /// <summary>Which feature the GeoJSON reader stumbled on ("feature 12"), read again one by one; null when none alone does.</summary>
    private static string? BadFeature(byte[] bytes, JsonSerializerOptions options)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (!document.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                try
                {
                    feature.Deserialize<IFeature>(options);
                }
                catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException or NotSupportedException)
                {
                    return $"feature {index}";
                }

                index++;
            }
        }
        catch (JsonException)
        {
            // Not even JSON: the reader's own message says where.
        }

        return null;
    }

    internal static string? Line(JsonException e) => e.LineNumber is { } line ? $"dòng / line {line + 1}" : null;

    internal sealed record PackManifest(
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
