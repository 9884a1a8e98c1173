using System.Collections.Frozen;

namespace IocCenter.Telemetry;

/// <summary>
/// The known metrics of the v1 contract. Integer-ness is global by name, so a field's type in the
/// store never changes whichever device sends it.
/// </summary>
public static class MetricCatalog
{
    public const int MaxNameLength = 64;

    private static readonly MetricDefinition[] Definitions =
    [
        new("vehicle_count", TelemetryDomain.Traffic, "vehicles", IsInteger: true, 0, 1_000_000),
        new("avg_speed_kmh", TelemetryDomain.Traffic, "km/h", IsInteger: false, 0, 250),
        new("occupancy_pct", TelemetryDomain.Traffic, "%", IsInteger: false, 0, 100),
        new("pm25_ugm3", TelemetryDomain.Environment, "µg/m³", IsInteger: false, 0, 10_000),
        new("pm10_ugm3", TelemetryDomain.Environment, "µg/m³", IsInteger: false, 0, 10_000),
        new("no2_ugm3", TelemetryDomain.Environment, "µg/m³", IsInteger: false, 0, 100_000),
        new("o3_ugm3", TelemetryDomain.Environment, "µg/m³", IsInteger: false, 0, 100_000),
        new("co_ugm3", TelemetryDomain.Environment, "µg/m³", IsInteger: false, 0, 1_000_000),
        new("so2_ugm3", TelemetryDomain.Environment, "µg/m³", IsInteger: false, 0, 100_000),
        new("temperature_c", TelemetryDomain.Environment, "°C", IsInteger: false, -60, 70),
        new("humidity_pct", TelemetryDomain.Environment, "%", IsInteger: false, 0, 100),
        new("noise_dba", TelemetryDomain.Environment, "dBA", IsInteger: false, 0, 200),
        new("latency_ms", TelemetryDomain.Connectivity, "ms", IsInteger: false, 0, 600_000),
        new("packet_loss_pct", TelemetryDomain.Connectivity, "%", IsInteger: false, 0, 100),
        new("throughput_mbps", TelemetryDomain.Connectivity, "Mbit/s", IsInteger: false, 0, 1_000_000),
        new("clients", TelemetryDomain.Connectivity, "clients", IsInteger: true, 0, 1_000_000),
        new("signal_dbm", TelemetryDomain.Connectivity, "dBm", IsInteger: false, -150, 30),
    ];

    private static readonly FrozenDictionary<string, MetricDefinition> ByName =
        Definitions.ToFrozenDictionary(d => d.Name, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, MetricDefinition>.AlternateLookup<ReadOnlySpan<char>> BySpan =
        ByName.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Names a metric may not take because the store uses them for time and tags.</summary>
    private static readonly FrozenSet<string> Reserved = new[] { "time", "device", "area", "domain" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ReservedBySpan =
        Reserved.GetAlternateLookup<ReadOnlySpan<char>>();

    public static IReadOnlyList<MetricDefinition> All => Definitions;

    public static IEnumerable<MetricDefinition> For(TelemetryDomain domain) => Definitions.Where(d => d.Domain == domain);

    public static MetricDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    public static MetricDefinition? Find(ReadOnlySpan<char> name) => BySpan.TryGetValue(name, out var d) ? d : null;

    /// <summary><c>^[a-z][a-z0-9_]{0,63}$</c>, and not a reserved name.</summary>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxNameLength || !char.IsAsciiLetterLower(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                return false;
            }
        }

        return !ReservedBySpan.Contains(name);
    }
}
