using NetTopologySuite.Geometries;

namespace IocCenter.Tests.Geography.Import;

/// <summary>
/// Hostile commune files. They live here, not in tests/corpus/hostile/: that corpus is MQTT messages (topic + payload)
/// replayed through ingest, and a shapefile is several binary files the test writes.
/// </summary>
public sealed class HostileImportTests : IDisposable
{
    private static readonly GeometryFactory Factory = new();
    private readonly ImportFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private (int Exit, string Output, string Error) Import(string path, params string[] more) =>
        ImportFixture.Run(["import", "--input", path, "--code-field", "ma", "--name-field", "ten", "--pack", _fixture.Pack, .. more]);

    [Theory]
    [InlineData("empty.geojson", "", "empty file")]
    [InlineData("nothing.geojson", """{"type":"FeatureCollection","features":[]}""", "no features")]
    [InlineData("nan.geojson", """{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ma":"90001","ten":"Hòa Thuận"},"geometry":{"type":"Polygon","coordinates":[[[NaN,10],[105.6,10],[105.6,10.1],[NaN,10]]]}}]}""", "invalid GeoJSON")]
    [InlineData("truncated.geojson", """{"type":"FeatureCollection","features":[{"type":"Fea""", "invalid GeoJSON")]
    [InlineData("xa.kml", "<kml/>", "unsupported format")]
    [InlineData("empty.shp", "", "empty file")]
    [InlineData("garbage.shp", "this is not a shapefile at all, just text pretending", "cannot read the shapefile")]
    public void Import_BadFile_Exit2WithAReasonAndNothingWritten(string file, string content, string reason)
    {
        var path = _fixture.WriteText(file, content);
        if (file == "garbage.shp")
        {
            File.WriteAllText(Path.ChangeExtension(path, ".prj"), ImportFixture.EsriVn2000Tm3_105);
        }

        var (exit, _, error) = Import(path);

        Assert.Equal(2, exit);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.False(File.Exists(_fixture.AreasPath));
    }

    [Fact]
    public void Import_HugeCoordinateOrMetresInGeoJson_ReportedAsOutsideVietNam()
    {
        var path = _fixture.WriteText("xa.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"ma":"90001","ten":"Hòa Thuận"},"geometry":{"type":"Polygon","coordinates":[[[1e300,10],[105.6,10],[105.6,10.1],[1e300,10]]]}},
            {"type":"Feature","properties":{"ma":"90002","ten":"Mỹ Quý"},"geometry":{"type":"Polygon","coordinates":[[[557975,1142228],[559975,1142228],[559975,1144228],[557975,1142228]]]}}]}
            """);

        var (exit, _, error) = Import(path);

        Assert.Equal(2, exit);
        Assert.Contains("feature #0 (code=90001, name=Hòa Thuận)", error, StringComparison.Ordinal);
        Assert.Contains("feature #1 (code=90002, name=Mỹ Quý)", error, StringComparison.Ordinal);
        Assert.Equal(2, error.Split("outside Viet Nam: wrong coordinate system?").Length - 1);
    }

    [Fact]
    public void Import_PointsAndLines_ReportedAsNotPolygons()
    {
        var path = _fixture.WriteText("xa.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"ma":"90001","ten":"Hòa Thuận"},"geometry":{"type":"Point","coordinates":[105.5,10.3]}},
            {"type":"Feature","properties":{"ma":"90002","ten":"Mỹ Quý"},"geometry":{"type":"LineString","coordinates":[[105.5,10.3],[105.6,10.3]]}},
            {"type":"Feature","properties":{"ma":"90003","ten":"Tân Phú Đông"},"geometry":null}]}
            """);

        var (exit, _, error) = Import(path, "--force");

        Assert.Equal(1, exit);
        Assert.Contains("feature #0 (code=90001, name=Hòa Thuận): hình không phải vùng (Point); bỏ qua / the geometry is not a polygon (Point); skipped", error, StringComparison.Ordinal);
        Assert.Contains("(LineString)", error, StringComparison.Ordinal);
        Assert.Contains("feature #2 (code=90003, name=Tân Phú Đông): hình không phải vùng (rỗng/empty)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_NaNInAShapefile_FeatureSkippedWithItsIndex()
    {
        var cells = ImportFixture.Cells(Factory, ImportFixture.KnownPoint.X, ImportFixture.KnownPoint.Y);
        var broken = (Polygon)cells[1].Copy();
        broken.ExteriorRing.CoordinateSequence.SetX(3, double.NaN);
        broken.GeometryChanged();
        var shp = _fixture.WriteShapefile([("90001", "Hòa Thuận", cells[0]), ("90002", "Mỹ Quý", broken), ("90003", "Tân Phú Đông", cells[2])]);

        var (exit, _, error) = ImportFixture.Run("import", "--input", shp, "--code-field", "MA_XA", "--name-field", "TEN_XA", "--pack", _fixture.Pack, "--force");

        Assert.True(exit == 1, error);
        Assert.Contains("feature #1 (code=90002, name=Mỹ Quý)", error, StringComparison.Ordinal);
        Assert.Contains("not a number", error, StringComparison.Ordinal);
        Assert.Contains("Xã Mỹ Quý (code 90002) is missing", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--tolerance", "-5")]
    [InlineData("--tolerance", "NaN")]
    [InlineData("--crs", "EPSG:9999")]
    public void Import_BadOption_Exit2(string option, string value)
    {
        var path = _fixture.WriteText("xa.geojson", """{"type":"FeatureCollection","features":[]}""");

        Assert.Equal(2, Import(path, option, value).Exit);
    }
}
