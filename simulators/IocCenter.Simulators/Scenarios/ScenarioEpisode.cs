using System.Text.Json;
using System.Text.Json.Serialization;

namespace IocCenter.Simulators.Scenarios;

public enum ScenarioKind
{
    Spike,
    LevelShift,
    Stuck,
    Dropout,
    Congestion,
    Pollution,
    AreaOutage,
}

/// <summary>
/// One injected anomaly: what, where, when, and the incident kind a good detector should raise for it.
/// Written as the ground truth, one JSON object per line.
/// </summary>
public sealed record ScenarioEpisode(
    [property: JsonConverter(typeof(JsonStringEnumConverter<ScenarioKind>))] ScenarioKind Scenario,
    string Kind,
    string? Device,
    string? Area,
    string? Metric,
    DateTimeOffset Start,
    DateTimeOffset End)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The incident kind (<c>anomaly</c>, <c>congestion</c>, …) this scenario should produce.</summary>
    public static string ExpectedKind(ScenarioKind scenario) => scenario switch
    {
        ScenarioKind.Spike or ScenarioKind.LevelShift => "anomaly",
        ScenarioKind.Stuck => "sensor_fault",
        ScenarioKind.Dropout => "device_offline",
        ScenarioKind.Congestion => "congestion",
        ScenarioKind.Pollution => "air_quality",
        ScenarioKind.AreaOutage => "area_outage",
        _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
    };

    public bool Covers(string deviceId, string area, long timestampMs) =>
        timestampMs >= Start.ToUnixTimeMilliseconds() && timestampMs <= End.ToUnixTimeMilliseconds() &&
        (Device == deviceId || (Scenario == ScenarioKind.AreaOutage && Area == area));

    public static void WriteAll(string path, IEnumerable<ScenarioEpisode> episodes) =>
        File.WriteAllLines(path, episodes.Select(e => JsonSerializer.Serialize(e, Json)));

    public static IReadOnlyList<ScenarioEpisode> ReadAll(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<ScenarioEpisode>(l, Json)!).ToList();
}
