using IocCenter.Geography;
using NetTopologySuite.Geometries;

namespace IocCenter.Tests.Geography;

public sealed class AreaLocatorTests
{
    private static readonly Province TestProvince = ProvincePack.Open(TestPack.Source);

    [Theory]
    [InlineData(10.012, 106.015, "99001")]
    [InlineData(10.010, 106.060, "99004")]
    [InlineData(10.015, 106.110, "99007")]
    [InlineData(10.045, 106.020, "99010")]
    [InlineData(10.050, 106.060, "99013")]
    [InlineData(10.050, 106.100, "99016")]
    [InlineData(10.029, 106.041, "99010")] // the shared corner is at 10.028: a grid at 10.03 would say 99001
    [InlineData(10.031, 106.079, "99007")] // the shared corner is at 10.033: a grid would say 99016
    public void Locate_InsideAPolygon_IsThatArea(double latitude, double longitude, string code)
    {
        Assert.Equal(code, TestProvince.Locator.Locate(latitude, longitude)?.Code);
    }

    [Theory]
    [InlineData(21.03, 105.85)] // Hà Nội
    [InlineData(10.03, 106.30)] // 20 km east of the test province
    public void Locate_OutsideTheProvince_IsNoArea(double latitude, double longitude)
    {
        Assert.Null(TestProvince.Locator.Locate(latitude, longitude));
        Assert.False(TestProvince.Locator.IsInside(latitude, longitude));
    }

    [Fact]
    public void Locate_JustOutsideTheOutline_WithinTolerance_IsTheNearestArea()
    {
        // 300 m south of the outline: outlines are generalised, so this still counts as in the province.
        Assert.True(TestProvince.Locator.IsInside(9.9973, 106.02));
        Assert.Equal("99001", TestProvince.Locator.Locate(9.9973, 106.02)?.Code);
    }

    [Fact]
    public void Locate_PackOfPointsOnly_IsTheNearestAreaPoint_InsideTheProvince()
    {
        var factory = new GeometryFactory();
        var outline = factory.CreatePolygon([new(106.0, 10.0), new(106.2, 10.0), new(106.2, 10.2), new(106.0, 10.2), new(106.0, 10.0)]);
        var province = new Province("98", "Điểm", "Tỉnh Điểm", "Asia/Ho_Chi_Minh", outline,
        [
            new Area("98001", "Xã Một", "Một", "xã", factory.CreatePoint(new Coordinate(106.05, 10.05)), Approximate: true),
            new Area("98002", "Xã Hai", "Hai", "xã", factory.CreatePoint(new Coordinate(106.15, 10.15)), Approximate: true),
        ], approximatePositions: true, []);

        Assert.Equal("98001", province.Locator.Locate(10.02, 106.01)?.Code);
        Assert.Equal("98002", province.Locator.Locate(10.11, 106.19)?.Code);
        Assert.Null(province.Locator.Locate(10.5, 106.5));
    }

    [Fact]
    public void Locate_DongThapCommunes_EachAnchorIsItsOwnArea()
    {
        var dongThap = ProvincePack.Open();

        Assert.All(dongThap.Areas, a => Assert.Equal(a.Code, dongThap.Locator.Locate(a.Anchor.Y, a.Anchor.X)?.Code));
    }
}
