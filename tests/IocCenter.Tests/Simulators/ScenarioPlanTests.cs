using IocCenter.Simulators.Fleet;
using IocCenter.Simulators.Scenarios;
using IocCenter.Telemetry;

namespace IocCenter.Tests.Simulators;

public class ScenarioPlanTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-17T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture);

    private static ScenarioPlan Plan(IReadOnlyList<SimulatedDevice> fleet, int seed = 5) =>
        ScenarioPlan.Create(fleet, Start, TimeSpan.FromHours(24), TimeSpan.FromMinutes(1), episodesPerKind: 4, seed);

    [Fact]
    public void Create_EveryScenarioOnASuitableDevice_NeverOverlappingOnOneDevice()
    {
        var fleet = FleetPlan.Create(new FleetOptions { Traffic = 44, Environment = 22, Connectivity = 44 }, Geography.TestPack.DongThap);
        var plan = Plan(fleet);

        Assert.All(Enum.GetValues<ScenarioKind>(), kind => Assert.Equal(4, plan.Episodes.Count(e => e.Scenario == kind)));
        Assert.All(plan.Episodes.Where(e => e.Scenario == ScenarioKind.Congestion), e => Assert.Contains("-trf-", e.Device, StringComparison.Ordinal));
        Assert.All(plan.Episodes.Where(e => e.Scenario == ScenarioKind.Pollution), e => Assert.Contains("-env-", e.Device, StringComparison.Ordinal));
        foreach (var device in plan.Episodes.Where(e => e.Device is not null).GroupBy(e => e.Device))
        {
            var ordered = device.OrderBy(e => e.Start).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                Assert.True(ordered[i].Start > ordered[i - 1].End, $"{device.Key} has overlapping episodes");
            }
        }

        Assert.Equal(plan.Episodes, Plan(fleet).Episodes);
    }

    [Fact]
    public void Apply_ChangesOnlyTheEpisodeDeviceInsideItsWindow()
    {
        var fleet = FleetPlan.Create(new FleetOptions { Traffic = 44, Environment = 22, Connectivity = 44 }, Geography.TestPack.DongThap);
        var plan = Plan(fleet);
        var congestion = plan.Episodes.First(e => e.Scenario == ScenarioKind.Congestion);
        var device = fleet.Single(d => d.Record.Id == congestion.Device);
        var during = congestion.Start.AddMinutes(10).ToUnixTimeMilliseconds();
        List<MetricValue> Metrics() => [new("vehicle_count", 30, true), new("avg_speed_kmh", 45, false), new("occupancy_pct", 20, false)];

        var jammed = Metrics();
        Assert.True(plan.Apply(device, during, jammed));
        Assert.True(jammed[1].Value < 15 && jammed[2].Value > 70);

        var before = Metrics();
        plan.Apply(device, congestion.Start.AddHours(-3).ToUnixTimeMilliseconds(), before);
        Assert.Equal(Metrics(), before);
    }

    [Fact]
    public void Apply_DropoutsAndOutagesSilenceTheirDevices()
    {
        var fleet = FleetPlan.Create(new FleetOptions { Traffic = 44, Environment = 22, Connectivity = 44 }, Geography.TestPack.DongThap);
        var plan = Plan(fleet);
        var dropout = plan.Episodes.First(e => e.Scenario == ScenarioKind.Dropout);
        var outage = plan.Episodes.First(e => e.Scenario == ScenarioKind.AreaOutage);

        Assert.False(plan.Apply(fleet.Single(d => d.Record.Id == dropout.Device), dropout.Start.AddMinutes(5).ToUnixTimeMilliseconds(), []));
        Assert.All(fleet.Where(d => d.Record.Area == outage.Area), d => Assert.False(plan.Apply(d, outage.Start.AddMinutes(5).ToUnixTimeMilliseconds(), [])));
    }

    [Fact]
    public void GroundTruth_RoundTripsAsJsonLines()
    {
        var fleet = FleetPlan.Create(new FleetOptions { Traffic = 11, Environment = 11, Connectivity = 11 }, Geography.TestPack.DongThap);
        var path = Path.GetTempFileName();
        try
        {
            var plan = Plan(fleet);
            ScenarioEpisode.WriteAll(path, plan.Episodes);

            Assert.Equal(plan.Episodes, ScenarioEpisode.ReadAll(path));
            Assert.Contains("\"scenario\":\"Congestion\",\"kind\":\"congestion\"", File.ReadAllText(path), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
