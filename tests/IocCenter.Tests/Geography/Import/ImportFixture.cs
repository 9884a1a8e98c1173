using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Esri;

namespace IocCenter.Tests.Geography.Import;

/// <summary>
/// A temporary pack folder with a small official commune list, and commune files written by the test itself: a VN-2000
/// shapefile (NetTopologySuite.IO.Esri.Shapefile, with an ArcGIS-style .prj) or a GeoJSON file.
/// </summary>
internal sealed class ImportFixture : IDisposable
{
    /// <summary>VN-2000 / TM-3 105°00′ as ArcGIS writes it: no TOWGS84, so the tool must supply the official parameters.</summary>
    public const string EsriVn2000Tm3_105 = "PROJCS[\"VN_2000_TM_3_105\",GEOGCS[\"GCS_VN_2000\",DATUM[\"D_Vietnam_2000\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",105.0],PARAMETER[\"Scale_Factor\",0.9999],PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";

    /// <summary>
    /// A VN-2000 TM-3 105° point and its WGS84 position. Independent sources, both agreeing to 1e-8°: proj4js 2.22
    /// (npm, run by hand: <c>proj4('+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84
    /// +towgs84=-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278 +units=m',
    /// 'EPSG:4326', [557975.802, 1142228.861])</c> → 105.53115606075181, 10.328437055822215), and the published test of
    /// github.com/namlunkaka/vn2000-converter (test/spec.js, "VN2000_DONG_THAP": 105.53115606, 10.32843706).
    /// With the three rotations' signs flipped (the coordinate-frame reading) proj4js gives a point 0.55 m away.
    /// </summary>
    public static readonly (double X, double Y, double Lon, double Lat) KnownPoint = (557975.802, 1142228.861, 105.53115606075181, 10.328437055822215);

    public static readonly (string Code, string Name, string Short, string Type)[] Communes =
    [
        ("90001", "Phường Hòa Thuận", "Hòa Thuận", "phường"),
        ("90002", "Xã Mỹ Quý", "Mỹ Quý", "xã"),
        ("90003", "Xã Tân Phú Đông", "Tân Phú Đông", "xã"),
    ];

    public ImportFixture()
    {
        Folder = Directory.CreateTempSubdirectory("iocc-import-").FullName;
        Pack = Path.Combine(Folder, "pack");
        Directory.CreateDirectory(Pack);
        var units = Communes.Select(c => new
        {
            code = c.Code,
            name = c.Name,
            short_name = c.Short,
            type = c.Type,
            formed_from = new[] { new { code = "8" + c.Code, name = "Xã Cũ " + c.Short, old_district = "Huyện A", old_province = "Tỉnh B" } },
        });
        File.WriteAllText(Path.Combine(Pack, "communes.json"), JsonSerializer.Serialize(new { province = new { code = "90", name = "Tỉnh Thử" }, units }));
    }

    public string Folder { get; }

    public string Pack { get; }

    public string AreasPath => Path.Combine(Pack, "areas.geojson");

    /// <summary>
    /// Three adjacent square-ish communes 2 km wide in TM-3 metres around <see cref="KnownPoint"/>, whose shared edges
    /// wiggle by up to 5 m every 20 m (simplification has something to remove). The first commune's south-west corner is
    /// the known point.
    /// </summary>
    public static Polygon[] Cells(GeometryFactory factory, double originX, double originY)
    {
        var cells = new Polygon[3];
        for (var i = 0; i < 3; i++)
        {
            var x0 = originX + (i * 2000);
            var x1 = x0 + 2000;
            var ring = new List<Coordinate> { new(x0, originY) };
            ring.AddRange(Edge(x1, originY, originY + 2000, east: true, wiggle: i < 2));
            ring.AddRange(Edge(x0, originY + 2000, originY, east: false, wiggle: i > 0));
            ring[^1] = new(x0, originY);
            cells[i] = factory.CreatePolygon([.. ring]);
        }

        return cells;
    }

    public string WriteShapefile(IEnumerable<(string? Code, string? Name, Geometry Geometry)> rows, string? prj = EsriVn2000Tm3_105, string file = "xa.shp")
    {
        var path = Path.Combine(Folder, file);
        var features = rows.Select(r => (IFeature)new Feature(r.Geometry, new AttributesTable { { "MA_XA", r.Code ?? "" }, { "TEN_XA", r.Name ?? "" } })).ToList();
        Shapefile.WriteAllFeatures(features, path, prj!, System.Text.Encoding.UTF8);
        if (prj is null)
        {
            File.Delete(Path.ChangeExtension(path, ".prj"));
        }

        return path;
    }

    public string WriteText(string file, string text)
    {
        var path = Path.Combine(Folder, file);
        File.WriteAllText(path, text);
        return path;
    }

    public static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exit = IocCenter.Geography.Cli.ProvinceCommand.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    // The east (or west, going south) edge of a cell: from (x, fromY) to (x, toY), every 20 m, x moved by ±5 m when it wiggles.
    private static IEnumerable<Coordinate> Edge(double x, double fromY, double toY, bool east, bool wiggle)
    {
        var steps = 100;
        for (var s = 0; s <= steps; s++)
        {
            var y = fromY + ((toY - fromY) * s / steps);
            var along = east ? s : steps - s;
            var dx = wiggle && s > 0 && s < steps ? 5 * Math.Sin(along * 0.7) : 0;
            yield return new Coordinate(x + dx, y);
        }
    }
}
