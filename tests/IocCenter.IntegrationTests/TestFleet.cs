using IocCenter.Simulators.Fleet;

namespace IocCenter.IntegrationTests;

/// <summary>What several integration tests share: the flooding fleet of 250 devices, and a free local port.</summary>
internal static class TestFleet
{
    /// <summary>100 traffic, 50 environment and 100 connectivity devices flooding <paramref name="readings"/> readings, from a day ago.</summary>
    public static FleetOptions Flood(Uri broker, string prefix, int readings) => new()
    {
        BrokerUrl = broker,
        Traffic = 100,
        Environment = 50,
        Connectivity = 100,
        Pacing = Pacing.Flood,
        Count = readings,
        Interval = TimeSpan.FromSeconds(10),
        Start = DateTimeOffset.UtcNow.AddDays(-1).AddTicks(-(DateTimeOffset.UtcNow.Ticks % TimeSpan.TicksPerMinute)),
        Prefix = prefix,
    };

    /// <summary>The packaged Đồng Tháp (the hosts' default province pack): the fleet spreads over its communes.</summary>
    public static IocCenter.Geography.Province Province => DongThap.Value;

    private static readonly Lazy<IocCenter.Geography.Province> DongThap = new(() => IocCenter.Geography.ProvincePack.Open());

    public static int FreePort() => FreePorts.Next();
}
