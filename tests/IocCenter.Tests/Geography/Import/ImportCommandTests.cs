using System.Text.Json;
using IocCenter.Geography;
using IocCenter.Geography.Cli.Import;
using IocCenter.Geography.Cli.Packs;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace IocCenter.Tests.Geography.Import;

public sealed class ImportCommandTests : IDisposable
{
    private static readonly GeometryFactory Factory = new();
    private readonly ImportFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private string ShapefileOfTheThreeCommunes(string? prj = ImportFixture.EsriVn2000Tm3_105)
    {
        var cells = ImportFixture.Cells(Factory, ImportFixture.KnownPoint.X, ImportFixture.KnownPoint.Y);
        return _fixture.WriteShapefile(
            [("90001", "Phường Hoà Thuận", cells[0]), ("90002", "Xã Mỹ Quý", cells[1]), ("", "tân phú đông", cells[2])], prj);
    }

    // The README's worked example ("Your own province / Tỉnh của bạn"), on a shapefile made here.
    [Fact]
    public void Import_Vn2000Shapefile_AsTheReadmeSays_WritesAPackTheServicesLoad()
    {
        var shp = ShapefileOfTheThreeCommunes();
        File.WriteAllText(Path.Combine(_fixture.Pack, "province.json"), """{"format":1,"code":"90","name":"Thử","fullName":"Tỉnh Thử","timeZone":"Asia/Ho_Chi_Minh","areas":"areas.geojson","outline":"areas.geojson","approximatePositions":true}""");

        var (exit, output, error) = ImportFixture.Run("import", "--input", shp, "--code-field", "MA_XA", "--name-field", "TEN_XA", "--pack", _fixture.Pack);

        Assert.True(exit == 0, output + error);
        Assert.Contains("VN-2000 / TM-3 105°00′", output, StringComparison.Ordinal);
        var (province, problems) = ProvincePack.Load(_fixture.Pack);
        Assert.Empty(problems);
        Assert.False(province!.ApproximatePositions);
        Assert.Equal(["90001", "90002", "90003"], province!.Areas.Select(a => a.Code));
        Assert.Equal(["Phường Hòa Thuận", "Xã Mỹ Quý", "Xã Tân Phú Đông"], province.Areas.Select(a => a.Name));
        Assert.All(province.Areas, a => Assert.False(a.Approximate));
        Assert.All(province.Areas, a => Assert.True(a.Geometry is Polygon { IsValid: true }));
        var (_, _, lon, lat) = ImportFixture.KnownPoint;
        var corner = province.Areas[0].Geometry.Coordinates.MinBy(c => ReferenceSystemTests.Metres(c.X, c.Y, lon, lat))!;
        // Rounded to 5 decimals on output (±0.6 m): within 2 m of proj4js's position for the corner.
        Assert.True(ReferenceSystemTests.Metres(corner.X, corner.Y, lon, lat) < 2, $"{corner} vs {lon}, {lat}");
    }

    [Fact]
    public void Import_WritesTheAreasFileThePackNames_AndDropsTheApproximateAttribution()
    {
        // Review of issue 15: it wrote areas.geojson beside a pack that reads xa-2025.geojson, then marked it surveyed.
        var shp = ShapefileOfTheThreeCommunes();
        File.WriteAllText(Path.Combine(_fixture.Pack, "province.json"), """{"format":1,"code":"90","name":"Thử","fullName":"Tỉnh Thử","timeZone":"Asia/Ho_Chi_Minh","areas":"xa-2025.geojson","outline":"xa-2025.geojson","approximatePositions":true,"attribution":["Ranh giới tỉnh: ODM","Vị trí xã là gần đúng / Commune positions are approximate"]}""");

        var (exit, output, error) = ImportFixture.Run("import", "--input", shp, "--code-field", "MA_XA", "--name-field", "TEN_XA", "--pack", _fixture.Pack);

        Assert.True(exit == 0, output + error);
        Assert.True(File.Exists(Path.Combine(_fixture.Pack, "xa-2025.geojson")));
        var (province, problems) = ProvincePack.Load(_fixture.Pack);
        Assert.Empty(problems);
        Assert.False(province!.ApproximatePositions);
        Assert.Equal(["Ranh giới tỉnh: ODM"], province.Attribution);
    }

    [Fact]
    public void Import_ShapefileWithoutPrj_RefusedUnlessCrsIsGiven()
    {
        var shp = ShapefileOfTheThreeCommunes(prj: null);

        var refused = ImportFixture.Run("import", "--input", shp, "--code-field", "MA_XA", "--name-field", "TEN_XA", "--pack", _fixture.Pack);
        var writtenWhenRefused = File.Exists(_fixture.AreasPath);
        var withCrs = ImportFixture.Run("import", "--input", shp, "--code-field", "MA_XA", "--name-field", "TEN_XA", "--pack", _fixture.Pack, "--crs", "vn2000-tm3:105");

        Assert.Equal(2, refused.Exit);
        Assert.Contains("xa.prj", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--crs", refused.Error, StringComparison.Ordinal);
        Assert.False(writtenWhenRefused);
        Assert.Equal(0, withCrs.Exit);
        Assert.True(File.Exists(_fixture.AreasPath));
    }

    [Fact]
    public void Import_WrongFieldName_ListsTheFieldsTheFileHas()
    {
        var (exit, _, error) = ImportFixture.Run("import", "--input", ShapefileOfTheThreeCommunes(), "--code-field", "MAXA", "--name-field", "TEN_XA", "--pack", _fixture.Pack);

        Assert.Equal(2, exit);
        Assert.Contains("'MAXA'", error, StringComparison.Ordinal);
        Assert.Contains("MA_XA, TEN_XA", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_fixture.AreasPath));
    }

    [Fact]
    public void Import_GeoJsonWithProblems_ReportsEachAndWritesOnlyWithForce()
    {
        var cells = ToWgs84(ImportFixture.Cells(Factory, ImportFixture.KnownPoint.X, ImportFixture.KnownPoint.Y));
        var input = GeoJson(
            ("", "Phường Hòa Thuân", cells[0]),       // misspelt: one letter off, and so a duplicate of the next
            ("90001", "Hòa Thuận", cells[1]),         // by code
            ("", "Xã Cũ Tân Phú Đông", cells[2]));    // outdated: an old unit named in formed_from
        var path = _fixture.WriteText("xa.geojson", input);
        string[] args = ["import", "--input", path, "--code-field", "ma", "--name-field", "ten", "--pack", _fixture.Pack];

        var refused = ImportFixture.Run(args);
        var forced = ImportFixture.Run([.. args, "--force"]);

        Assert.True(refused.Exit == 2, forced.Error);
        Assert.Contains("not written", refused.Error, StringComparison.Ordinal);
        var lines = forced.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 5, forced.Error);
        Assert.Contains(lines, l => l.StartsWith("đối tượng/feature #0 (code=∅, name=Phường Hòa Thuân): tên viết sai? gần với 'Phường Hòa Thuận'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("đối tượng/feature #0 (code=∅, name=Phường Hòa Thuân): trùng: Phường Hòa Thuận (mã 90001) đã có ở đối tượng #1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("đối tượng/feature #2", StringComparison.Ordinal) && l.Contains("outdated unit", StringComparison.Ordinal) && l.Contains("Xã Tân Phú Đông (90003)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Xã Mỹ Quý (code 90002) is missing from the file", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Xã Tân Phú Đông (code 90003) is missing from the file", StringComparison.Ordinal));
        Assert.Equal(1, forced.Exit);
        var written = JsonSerializer.Deserialize<FeatureCollection>(File.ReadAllBytes(_fixture.AreasPath), ProvincePack.GeoJsonOptions)!;
        Assert.Equal("Phường Hòa Thuận", Assert.Single(written).Attributes["name"]);
    }

    [Theory]
    [InlineData("1e9")]
    [InlineData("501")]
    public void Import_ToleranceThatWouldFlattenACommune_IsRefusedBeforeAnythingIsWritten(string tolerance)
    {
        var shp = ShapefileOfTheThreeCommunes();

        var (exit, _, error) = ImportFixture.Run("import", "--input", shp, "--code-field", "MA_XA", "--name-field", "TEN_XA", "--pack", _fixture.Pack, "--tolerance", tolerance);

        Assert.Equal(2, exit);
        Assert.Contains("--tolerance: tối đa 500 m", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_fixture.Pack, "areas.geojson")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Import_AreasOutsideThePacksOutline_PutsThePackBack_UnlessForced(bool force)
    {
        // Review of issue 15: a wrong TM-3 zone wrote areas outside the outline and left a pack that no longer started.
        var shp = ShapefileOfTheThreeCommunes();
        var (_, _, lon, lat) = ImportFixture.KnownPoint;
        File.WriteAllText(Path.Combine(_fixture.Pack, "outline.geojson"), string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $$$"""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[{{{lon + 1}}},{{{lat + 1}}}],[{{{lon + 1.1}}},{{{lat + 1}}}],[{{{lon + 1.1}}},{{{lat + 1.1}}}],[{{{lon + 1}}},{{{lat + 1.1}}}],[{{{lon + 1}}},{{{lat + 1}}}]]]}}]}"""));
        var manifest = """{"format":1,"code":"90","name":"Thử","fullName":"Tỉnh Thử","timeZone":"Asia/Ho_Chi_Minh","areas":"data/areas.geojson","outline":"outline.geojson","approximatePositions":true}""";
        File.WriteAllText(Path.Combine(_fixture.Pack, "province.json"), manifest);
        Directory.CreateDirectory(Path.Combine(_fixture.Pack, "data"));
        var areas = Path.Combine(_fixture.Pack, "data", "areas.geojson");
        File.WriteAllText(areas, "{}");

        var (exit, output, error) = ImportFixture.Run(["import", "--input", shp, "--code-field", "MA_XA", "--name-field", "TEN_XA", "--pack", _fixture.Pack, .. force ? ["--force"] : Array.Empty<string>()]);

        Assert.True(exit == (force ? 1 : 2), output + error);
        Assert.Contains("lies outside the province outline", error, StringComparison.Ordinal);
        Assert.Contains("The pack has 3 problems after the import", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_fixture.Pack, "areas.geojson")), "the file province.json names, in its sub-folder, not one beside it");
        var written = File.ReadAllText(Path.Combine(_fixture.Pack, "province.json"));
        if (force)
        {
            Assert.False(System.Text.Json.Nodes.JsonNode.Parse(written)!["approximatePositions"]!.GetValue<bool>());
        }
        else
        {
            Assert.Equal(manifest, written);
        }
        Assert.Equal(force, File.ReadAllText(areas).Contains("90001", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_CodeWithAnotherName_KeepsTheOfficialNameAndSaysSo()
    {
        var cells = ToWgs84(ImportFixture.Cells(Factory, ImportFixture.KnownPoint.X, ImportFixture.KnownPoint.Y));
        var path = _fixture.WriteText("xa.geojson", GeoJson(("90001", "Phường Một", cells[0]), ("90002", "Mỹ Quí", cells[1]), ("90003", "Xã Tân Phú Đông", cells[2])));

        var (exit, _, error) = ImportFixture.Run("import", "--input", path, "--code-field", "ma", "--name-field", "ten", "--pack", _fixture.Pack);

        Assert.Equal(2, exit);
        Assert.Contains("code 90001 is 'Phường Hòa Thuận' in the official list", error, StringComparison.Ordinal);
        Assert.Contains("code 90002 is 'Xã Mỹ Quý'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Xã Hoà Thuận", "Hòa Thuận")]
    [InlineData("PHƯỜNG  HÒA   THUẬN", "hòa thuận")]
    [InlineData("Thuỷ Xuân", "Thủy Xuân")]
    [InlineData("Đặc khu Phú Quốc", "phú quốc")]
    public void Key_SpellingVariants_Equal(string a, string b)
    {
        Assert.Equal(CommuneNames.Key(b), CommuneNames.Key(a));
        Assert.Equal(CommuneNames.Key("Hòa Thuận".Normalize(System.Text.NormalizationForm.FormD)), CommuneNames.Key("Hòa Thuận"));
    }

    [Fact]
    public void Match_OfficialListInOrder_NoProblems()
    {
        var list = CommuneList.Load(Path.Combine(_fixture.Pack, "communes.json"));
        var point = Factory.CreatePoint(new Coordinate(105.5, 10.3));
        var features = list.Units.Select((u, i) => new ImportedFeature(i, u.Code, u.Name, u.Type, point)).ToList();

        var (matched, problems) = new CommuneMatcher(list).Match(features);

        Assert.Empty(problems);
        Assert.Equal(3, matched.Count);
    }

    internal static Polygon[] ToWgs84(Polygon[] cells)
    {
        var system = ReferenceSystem.FromWkt(ImportFixture.EsriVn2000Tm3_105, out _)!;
        return cells.Select(c =>
        {
            var copy = (Polygon)c.Copy();
            copy.Apply(new Wgs84Conversion(system));
            copy.GeometryChanged();
            return copy;
        }).ToArray();
    }

    internal static string GeoJson(params (string Code, string Name, Geometry Geometry)[] rows)
    {
        var collection = new FeatureCollection();
        foreach (var (code, name, geometry) in rows)
        {
            collection.Add(new Feature(geometry, new AttributesTable { { "ma", code }, { "ten", name } }));
        }

        return JsonSerializer.Serialize(collection, AreaFile.WriteOptions);
    }
}
