using System.Text;
using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace IocCenter.Geography.Cli.Packs;

/// <summary>One area as a pack's <c>areas.geojson</c> holds it (docs/province-pack.md).</summary>
internal sealed record AreaRecord(OfficialCommune Commune, Geometry Geometry, bool Approximate);

/// <summary>Writes <c>areas.geojson</c>: one feature a line, so a change to one commune is one line in a diff.</summary>
internal static class AreaFile
{
    /// <summary>GeoJSON with Vietnamese letters as they are, not as \u escapes.</summary>
    public static JsonSerializerOptions WriteOptions { get; } = new(ProvincePack.GeoJsonOptions)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(IEnumerable<AreaRecord> areas)
    {
        ArgumentNullException.ThrowIfNull(areas);
        var text = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[\n");
        var first = true;
        foreach (var area in areas)
        {
            if (!first)
            {
                text.Append(",\n");
            }

            first = false;
            var feature = new Feature(area.Geometry, new AttributesTable
            {
                { "code", area.Commune.Code },
                { "name", area.Commune.Name },
                { "shortName", area.Commune.ShortName },
                { "type", area.Commune.Type },
                { "approximate", area.Approximate },
            });
            text.Append(JsonSerializer.Serialize(feature, WriteOptions));
        }

        return Encoding.UTF8.GetBytes(text.Append("\n]}\n").ToString());
    }

    public static int Write(string path, IEnumerable<AreaRecord> areas)
    {
        var bytes = Serialize(areas);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, bytes);
        return bytes.Length;
    }
}
