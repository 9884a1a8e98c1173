using System.Text;
using IocCenter.Simulators.Fleet;
using IocCenter.Simulators.Models;
using IocCenter.Telemetry;

namespace IocCenter.Tests.Simulators;

public class FleetPlanTests
{
    private static readonly long Start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    [Fact]
    public void Create_SameSeed_ProducesTheSameFleetAndReadings()
    {
        var options = new FleetOptions { Traffic = 5, Environment = 5, Connectivity = 5, Seed = 7 };

        Assert.Equal(Readings(FleetPlan.Create(options, Geography.TestPack.DongThap)), Readings(FleetPlan.Create(options, Geography.TestPack.DongThap)));
        Assert.NotEqual(Readings(FleetPlan.Create(options, Geography.TestPack.DongThap)), Readings(FleetPlan.Create(new FleetOptions { Traffic = 5, Environment = 5, Connectivity = 5, Seed = 8 }, Geography.TestPack.DongThap)));
    }

    [Fact]
    public void Create_DongThap_OneOfEachDomainPerCommune_InsideTheProvince_NearItsCommune()
    {
        var province = Geography.TestPack.DongThap;
        var fleet = FleetPlan.Create(new FleetOptions { Traffic = 102, Environment = 102, Connectivity = 102 }, province);

        Assert.Equal(306, fleet.Count);
        Assert.Equal(306, fleet.Select(d => d.Record.Id).Distinct().Count());
        Assert.All(fleet, d => Assert.True(DeviceIds.IsValid(d.Record.Id), d.Record.Id));
        Assert.All(province.Areas, a => Assert.Equal(3, fleet.Count(d => d.Record.Area == a.Code)));
        var first = province.Areas[0];
        Assert.Equal(($"sim-trf-{first.Code}-1", $"Trạm đo giao thông {first.Name} #1"), (fleet[0].Record.Id, fleet[0].Record.Name));
        foreach (var device in fleet)
        {
            var at = new NetTopologySuite.Geometries.Point(device.Record.Longitude!.Value, device.Record.Latitude!.Value);
            Assert.True(province.Outline.Covers(at), $"{device.Record.Id} at {at} is outside Đồng Tháp");
            Assert.True(province.FindArea(device.Record.Area)!.Geometry.Distance(at) <= 0.031 * Math.Sqrt(2), $"{device.Record.Id} is far from its commune");
        }
    }

    [Fact]
    public void Create_TestProvince_EveryDeviceInsideItsCommunesPolygon()
    {
        using var pack = new Geography.TestPack();
        var province = IocCenter.Geography.ProvincePack.Open(pack.Folder);
        var fleet = FleetPlan.Create(new FleetOptions { Traffic = 12, Environment = 6, Connectivity = 18, Prefix = "tn" }, province);

        Assert.Equal(36, fleet.Count);
        Assert.Equal(["tn-trf-99001-1", "tn-trf-99004-1"], fleet.Take(2).Select(d => d.Record.Id));
        Assert.Equal("tn-net-99016-3", fleet[^1].Record.Id);
        Assert.All(fleet, d => Assert.Equal(d.Record.Area, province.Locator.Locate(d.Record.Latitude!.Value, d.Record.Longitude!.Value)?.Code));
        Assert.Equal(6, fleet.Select(d => d.Record.Area).Distinct().Count());
        Assert.Equal(36, fleet.Select(d => (d.Record.Latitude, d.Record.Longitude)).Distinct().Count()); // spread, not stacked on a centre
    }

    [Fact]
    public void Payloads_PassTheContractValidation()
    {
        var parser = new TelemetryPayloadParser(new ContractLimits());
        var batch = new TelemetryBatch();
        foreach (var device in FleetPlan.Create(new FleetOptions { Traffic = 11, Environment = 11, Connectivity = 11 }, Geography.TestPack.DongThap))
        {
            for (var hour = 0; hour < 48; hour++)
            {
                var payload = device.NextPayload(Start + (hour * 3_600_000L));
                var reason = parser.Parse(new System.Buffers.ReadOnlySequence<byte>(payload), Start + (hour * 3_600_000L), batch, out var detail);
                Assert.True(reason == RejectReason.None, $"{device.Record.Id}: {reason} {detail} {Encoding.UTF8.GetString(payload)}");
            }
        }
    }

    [Fact]
    public void Traffic_HasRushHoursAndQuieterWeekends()
    {
        // 2026-11-16 is a Monday; 2026-11-21 a Saturday.
        double Average(int dayOffset, double hour) => Enumerable.Range(0, 40).Average(seed =>
        {
            var model = new TrafficModel(seed);
            var metrics = new List<MetricValue>();
            model.Sample(Start + (long)(((dayOffset * 24) + hour) * 3_600_000), metrics);
            return metrics.Single(m => m.Name == "vehicle_count").Value;
        });

        Assert.True(Average(0, 7.25) > 2 * Average(0, 3), "morning rush");
        Assert.True(Average(0, 17.5) > 2 * Average(0, 3), "evening rush");
        Assert.True(Average(5, 7.25) < Average(0, 7.25), "weekend mornings are quieter");
    }

    [Fact]
    public void Environment_Pm25RisesAtNightAndTemperaturePeaksInTheAfternoon()
    {
        double Average(double hour, string metric) => Enumerable.Range(0, 40).Average(seed =>
        {
            var model = new EnvironmentModel(seed);
            var metrics = new List<MetricValue>();
            model.Sample(Start + (long)(hour * 3_600_000), metrics);
            return metrics.Single(m => m.Name == metric).Value;
        });

        Assert.True(Average(3, "pm25_ugm3") > Average(14, "pm25_ugm3") * 1.3, "night-time inversion");
        Assert.True(Average(14.5, "temperature_c") > Average(4, "temperature_c") + 5, "diurnal temperature");
    }

    private static string[] Readings(IReadOnlyList<SimulatedDevice> fleet) =>
        fleet.Select(d => d.Record.Id + " " + Encoding.UTF8.GetString(d.NextPayload(Start)) + Encoding.UTF8.GetString(d.NextPayload(Start + 60_000))).ToArray();
}
