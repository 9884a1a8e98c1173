using IocCenter.Geography.Cli.Import;

namespace IocCenter.Tests.Geography.Import;

public sealed class ReferenceSystemTests
{
    // Metres between two WGS84 positions near 10° N (equirectangular: enough at this scale).
    internal static double Metres(double lon1, double lat1, double lon2, double lat2) =>
        Math.Sqrt(Math.Pow((lon1 - lon2) * 111_320 * Math.Cos(lat1 * Math.PI / 180), 2) + Math.Pow((lat1 - lat2) * 110_600, 2));

    [Fact]
    public void FromWkt_EsriVn2000Tm3WithoutTowgs84_ConvertsTheKnownPointWithTheOfficialParameters()
    {
        var system = ReferenceSystem.FromWkt(ImportFixture.EsriVn2000Tm3_105, out var error);

        Assert.Null(error);
        Assert.NotNull(system);
        Assert.Equal("VN-2000 / TM-3 105°00′", system.Description);
        var (x, y, lon, lat) = ImportFixture.KnownPoint;
        var (gotLon, gotLat) = system.ToWgs84(x, y);
        // 0.1 m: the wrong rotation sign convention would be 0.55 m off, no datum shift about 200 m.
        Assert.True(Metres(gotLon, gotLat, lon, lat) < 0.1, $"{gotLon}, {gotLat} is {Metres(gotLon, gotLat, lon, lat):0.000} m from {lon}, {lat}");
    }

    [Fact]
    public void FromOption_Tm3Meridian_SameAsThePrj()
    {
        var fromPrj = ReferenceSystem.FromWkt(ImportFixture.EsriVn2000Tm3_105, out _)!;
        var fromOption = ReferenceSystem.FromOption("vn2000-tm3:105", out var error)!;

        Assert.Null(error);
        Assert.Equal(fromPrj.ToWgs84(600000, 1200000), fromOption.ToWgs84(600000, 1200000));
    }

    [Theory]
    [InlineData("EPSG:3405", "VN-2000 / UTM 48N (EPSG:3405)")]
    [InlineData("EPSG:3406", "VN-2000 / UTM 49N (EPSG:3406)")]
    [InlineData("EPSG:4756", "VN-2000 (EPSG:4756)")]
    [InlineData("EPSG:4326", "WGS84 (EPSG:4326)")]
    public void FromOption_KnownCodes_Accepted(string option, string description)
    {
        Assert.Equal(description, ReferenceSystem.FromOption(option, out _)?.Description);
    }

    [Fact]
    public void FromOption_Utm48_MatchesProj4()
    {
        // proj4js 2.22, by hand: EPSG:3405 as epsg.io defines it (+proj=utm +zone=48 +ellps=WGS84 +towgs84=<the seven numbers>),
        // [600000, 1150000] → 105.91533637282512, 10.400951928901934.
        var (lon, lat) = ReferenceSystem.FromOption("EPSG:3405", out _)!.ToWgs84(600000, 1150000);

        Assert.True(Metres(lon, lat, 105.91533637282512, 10.400951928901934) < 0.1);
    }

    [Theory]
    [InlineData("vn2000-tm3:104.2")]
    [InlineData("EPSG:32648")]
    [InlineData("nonsense")]
    public void FromOption_Unknown_RefusedWithTheChoices(string option)
    {
        Assert.Null(ReferenceSystem.FromOption(option, out var error));
        Assert.Contains("vn2000-tm3", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromWkt_UnknownTm3Meridian_Refused()
    {
        var wkt = ImportFixture.EsriVn2000Tm3_105.Replace("\"Central_Meridian\",105.0", "\"Central_Meridian\",104.2", StringComparison.Ordinal);

        Assert.Null(ReferenceSystem.FromWkt(wkt, out var error));
        Assert.Contains("104.2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromWkt_Garbage_RefusedNotThrown()
    {
        Assert.Null(ReferenceSystem.FromWkt("PROJCS[garbage", out var error));
        Assert.NotNull(error);
    }
}
