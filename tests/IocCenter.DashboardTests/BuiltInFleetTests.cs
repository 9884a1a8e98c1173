using IocCenter.Dashboard;
using IocCenter.Geography;
using Microsoft.Extensions.Configuration;
using NetTopologySuite.Geometries;

namespace IocCenter.DashboardTests;

/// <summary>The demo fleet's size from the pack: one device per domain per commune, capped (a review of issue 15).</summary>
public sealed class BuiltInFleetTests
{
    private static Province WithAreas(int count)
    {
        var factory = new GeometryFactory();
        var areas = Enumerable.Range(0, count)
            .Select(i => new Area($"{10000 + i}", $"Xã {i}", $"{i}", "xã", factory.CreatePoint(new Coordinate(105 + (i % 100) * 0.001, 10 + (i / 100) * 0.001)), Approximate: true))
            .ToList();
        return new Province("99", "Thử", "Tỉnh Thử", "Asia/Ho_Chi_Minh", factory.CreatePolygon([new(104, 9), new(107, 9), new(107, 12), new(104, 12), new(104, 9)]), areas, true, []);
    }

    [Theory]
    [InlineData(102, 102)]        // Đồng Tháp's communes: one of each domain in each
    [InlineData(10_000, 1_000)]   // 10,000 areas: capped, or 30,000 connections exhausted the host's file descriptors
    public void Plan_OneDevicePerDomainPerArea_AtMostTheCap(int areas, int expected)
    {
        var fleet = BuiltInFleet.Plan(new ConfigurationBuilder().Build(), new AllInOneOptions(), WithAreas(areas));
        Assert.Equal((expected, expected, expected), (fleet.Traffic, fleet.Environment, fleet.Connectivity));
    }

    [Fact]
    public void Plan_ACountSetInConfiguration_Wins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Simulator:Traffic"] = "5000" }).Build();
        var fleet = BuiltInFleet.Plan(configuration, new AllInOneOptions(), WithAreas(10_000));
        Assert.Equal((5000, 1_000), (fleet.Traffic, fleet.Environment));
    }
}
