namespace IocCenter.Telemetry;

/// <summary>The three kinds of field device an IOC watches; also the InfluxDB measurement name.</summary>
public enum TelemetryDomain
{
    Traffic,
    Environment,
    Connectivity,
}

public static class TelemetryDomains
{
    public static IReadOnlyList<TelemetryDomain> All { get; } = [TelemetryDomain.Traffic, TelemetryDomain.Environment, TelemetryDomain.Connectivity];

    /// <summary>The name used in topics and as the measurement.</summary>
    public static string Name(this TelemetryDomain domain) => domain switch
    {
        TelemetryDomain.Traffic => "traffic",
        TelemetryDomain.Environment => "environment",
        TelemetryDomain.Connectivity => "connectivity",
        _ => throw new ArgumentOutOfRangeException(nameof(domain)),
    };

    public static bool TryParse(ReadOnlySpan<char> name, out TelemetryDomain domain)
    {
        switch (name)
        {
            case "traffic": domain = TelemetryDomain.Traffic; return true;
            case "environment": domain = TelemetryDomain.Environment; return true;
            case "connectivity": domain = TelemetryDomain.Connectivity; return true;
            default: domain = default; return false;
        }
    }
}
