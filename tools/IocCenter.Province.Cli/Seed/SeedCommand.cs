using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IocCenter.Geography.Cli.Packs;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace IocCenter.Geography.Cli.Seed;

/// <summary>
/// <c>iocc-province seed</c>: a pack from <c>../shared/geo/&lt;province&gt;/</c>: the ODM outline, the official commune
/// list, every commune as an approximate point inside the outline, and the attribution and licence files.
/// </summary>
internal static class SeedCommand
{
    public const string OutlineSource = "province.odm-cc-by-sa-4.0.geojson";

    public static int Run(string geo, string pack, int seed, TextWriter output, TextWriter error)
    {
        var sources = SeedSources.Find(geo, out var sourcesError);
        var outlinePath = Path.Combine(geo, OutlineSource);
        var communesPath = Path.Combine(geo, "communes.json");
        if (sources is null || !File.Exists(outlinePath) || !File.Exists(communesPath))
        {
            error.WriteLine(sourcesError ?? $"Cần / needs {outlinePath} và/and {communesPath}");
            return 2;
        }

        var list = CommuneList.Load(communesPath);
        var outlineFile = JsonSerializer.Deserialize<FeatureCollection>(File.ReadAllBytes(outlinePath), IocCenter.Geography.ProvincePack.GeoJsonOptions);
        if (outlineFile is not { Count: 1 } || outlineFile[0].Geometry is not (Polygon or MultiPolygon) || !outlineFile[0].Geometry.IsValid)
        {
            error.WriteLine($"{outlinePath}: cần đúng một vùng hợp lệ / needs exactly one valid polygon feature");
            return 2;
        }

        var outline = outlineFile[0].Geometry;
        var points = PointPlacement.Place(outline, list.Units.Count, seed);
        if (points.Count != list.Units.Count)
        {
            error.WriteLine($"Không đặt đủ điểm / could not place one point a commune ({points.Count}/{list.Units.Count})");
            return 2;
        }

        var ordered = list.Units
            .OrderBy(u => u.Origin?.OldProvince ?? "", StringComparer.Ordinal)
            .ThenBy(u => u.Origin?.OldDistrict ?? "", StringComparer.Ordinal)
            .ThenBy(u => u.Code, StringComparer.Ordinal)
            .ToList();
        var factory = outline.Factory;
        var areas = ordered.Select((u, i) => new AreaRecord(u, factory.CreatePoint(points[i]), Approximate: true))
            .OrderBy(a => a.Commune.Code, StringComparer.Ordinal)
            .ToList();

        Directory.CreateDirectory(pack);
        var fullName = list.Province.Name;
        var name = fullName.StartsWith("Tỉnh ", StringComparison.Ordinal) ? fullName["Tỉnh ".Length..]
            : fullName.StartsWith("Thành phố ", StringComparison.Ordinal) ? fullName["Thành phố ".Length..] : fullName;
        File.WriteAllText(Path.Combine(pack, "province.json"), Manifest(list.Province.Code, name, fullName, sources));
        File.WriteAllBytes(Path.Combine(pack, "outline.geojson"), File.ReadAllBytes(outlinePath));
        File.WriteAllBytes(Path.Combine(pack, "communes.json"), File.ReadAllBytes(communesPath));
        var bytes = AreaFile.Write(Path.Combine(pack, "areas.geojson"), areas);
        File.WriteAllText(Path.Combine(pack, "ATTRIBUTION.md"), PackTexts.Attribution(name, sources, areas.Count, seed) + "\n");
        File.WriteAllText(Path.Combine(pack, PackTexts.OdmLicenseFile), PackTexts.OdmLicense + "\n");
        File.WriteAllText(Path.Combine(pack, PackTexts.MitLicenseFile), sources.MitNotice + "\n\nApplies to: communes.json in this folder (and the names and codes in areas.geojson).\n");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{pack}: {fullName}, {areas.Count} xã/communes (vị trí gần đúng / approximate positions), areas.geojson {bytes:N0} byte"));
        return 0;
    }

    private static string Manifest(string code, string name, string fullName, SeedSources sources)
    {
        var manifest = new JsonObject
        {
            ["format"] = 1,
            ["code"] = code,
            ["name"] = name,
            ["fullName"] = fullName,
            ["timeZone"] = "Asia/Ho_Chi_Minh",
            ["outline"] = "outline.geojson",
            ["areas"] = "areas.geojson",
            ["communes"] = "communes.json",
            ["approximatePositions"] = true,
            ["attribution"] = new JsonArray(
                "Ranh giới tỉnh / " + sources.OutlineAttribution,
                "Danh sách xã / " + sources.CommunesAttribution,
                "Vị trí xã là gần đúng, chỉ để minh họa / Commune positions are approximate, for illustration only"),
        };
        return manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}
