using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.IO.Esri;

namespace IocCenter.Geography.Cli.Import;

/// <summary>
/// Reads a province's commune file: an ESRI Shapefile (with its .dbf and .prj) or a GeoJSON FeatureCollection (RFC 7946:
/// WGS84). Returns the features and the coordinate system they are in, or the reason the file cannot be used.
/// </summary>
internal static class FeatureFile
{
    public static (IReadOnlyList<IFeature> Features, ReferenceSystem? System, string? Error) Read(string path, string? crsOption)
    {
        if (!File.Exists(path))
        {
            return ([], null, $"không tìm thấy tệp / file not found: {path}");
        }

        if (new FileInfo(path).Length == 0)
        {
            return ([], null, $"tệp rỗng / empty file: {path}");
        }

        ReferenceSystem? forced = null;
        if (crsOption is not null && !crsOption.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            forced = ReferenceSystem.FromOption(crsOption, out var crsError);
            if (forced is null)
            {
                return ([], null, crsError);
            }
        }

        var extension = Path.GetExtension(path).ToUpperInvariant();
        return extension switch
        {
            ".SHP" => ReadShapefile(path, forced),
            ".GEOJSON" or ".JSON" => ReadGeoJson(path, forced),
            _ => ([], null, $"định dạng không hỗ trợ '{extension}': dùng .shp, .geojson hoặc .json / unsupported format '{extension}': use .shp, .geojson or .json"),
        };
    }

    private static (IReadOnlyList<IFeature>, ReferenceSystem?, string?) ReadShapefile(string path, ReferenceSystem? forced)
    {
        var system = forced;
        if (system is null)
        {
            var prj = Path.ChangeExtension(path, ".prj");
            if (!File.Exists(prj))
            {
                return ([], null,
                    $"thiếu tệp {Path.GetFileName(prj)}: không biết hệ tọa độ; thêm .prj hoặc ghi rõ --crs (ví dụ --crs vn2000-tm3:105.75) / "
                    + $"{Path.GetFileName(prj)} is missing, so the coordinate system is unknown; add the .prj or give --crs (e.g. --crs vn2000-tm3:105.75)");
            }

            system = ReferenceSystem.FromWkt(File.ReadAllText(prj), out var error);
            if (system is null)
            {
                return ([], null, $"{Path.GetFileName(prj)}: {error}");
            }
        }

        try
        {
            // Broken shapes are read as they are (empty or invalid) and reported per feature, not as a broken file.
            var options = new NetTopologySuite.IO.Esri.Shapefiles.Readers.ShapefileReaderOptions { GeometryBuilderMode = NetTopologySuite.IO.Esri.Shapefiles.Readers.GeometryBuilderMode.IgnoreInvalidShapes };
            return (Shapefile.ReadAllFeatures(path, options), system, null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or NotSupportedException or FileNotFoundException or IndexOutOfRangeException or EndOfStreamException)
        {
            return ([], null, $"không đọc được shapefile (cần .shp, .shx, .dbf) / cannot read the shapefile (needs .shp, .shx, .dbf): {e.Message}");
        }
    }

    private static (IReadOnlyList<IFeature>, ReferenceSystem?, string?) ReadGeoJson(string path, ReferenceSystem? forced)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var collection = JsonSerializer.Deserialize<FeatureCollection>(stream, ProvincePack.GeoJsonOptions);
            return collection is null
                ? ([], null, $"tệp rỗng / empty file: {path}")
                : (collection.ToList(), forced ?? ReferenceSystem.Wgs84, null);
        }
        catch (JsonException e)
        {
            return ([], null, string.Create(CultureInfo.InvariantCulture, $"GeoJSON không hợp lệ / invalid GeoJSON (dòng/line {e.LineNumber + 1}): {e.Message}"));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or NotSupportedException)
        {
            return ([], null, $"GeoJSON không hợp lệ / invalid GeoJSON: {e.Message}");
        }
    }

    /// <summary>The attribute names of the file (the union over its features), for "no such field" messages.</summary>
    public static IReadOnlyList<string> FieldNames(IReadOnlyList<IFeature> features) =>
        features.Where(f => f.Attributes is not null).SelectMany(f => f.Attributes.GetNames()).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The field as the file spells it (DBF names are upper case, at most 10 letters), or null.</summary>
    public static string? FindField(IReadOnlyList<string> names, string wanted) =>
        names.FirstOrDefault(n => n.Equals(wanted, StringComparison.Ordinal))
        ?? names.FirstOrDefault(n => n.Equals(wanted, StringComparison.OrdinalIgnoreCase));

    public static string? Value(IFeature feature, string? field)
    {
        if (field is null || feature.Attributes is null || !feature.Attributes.Exists(field))
        {
            return null;
        }

        var text = Convert.ToString(feature.Attributes[field], CultureInfo.InvariantCulture)?.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }
}
