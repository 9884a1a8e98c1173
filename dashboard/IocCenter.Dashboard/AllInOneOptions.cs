using System.ComponentModel.DataAnnotations;

namespace IocCenter.Dashboard;

/// <summary>What the all-in-one host runs besides the web app. Configuration section <c>AllInOne</c>.</summary>
public sealed class AllInOneOptions
{
    public const string Section = "AllInOne";

    /// <summary>Run the embedded MQTTnet broker (false: use the broker at <c>Mqtt:Url</c>).</summary>
    public bool EmbeddedBroker { get; set; } = true;

    /// <summary>Where the embedded broker listens (0.0.0.0 for devices on the network).</summary>
    [Required]
    public string BrokerAddress { get; set; } = "0.0.0.0";

    [Range(1, 65535)]
    public int BrokerPort { get; set; } = 1883;

    [Range(100, 10_000_000)]
    public int BrokerMaxPendingPerClient { get; set; } = 100_000;

    /// <summary>Run the built-in simulator fleet (the demo province).</summary>
    public bool Simulators { get; set; } = true;

    /// <summary>How often the screens' device states are saved (they are restored at start; see the README's Guarantees).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan DeviceStateSaveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Everything the host keeps: telemetry (SQLite), the journal, incidents, models, dead letters.</summary>
    [Required]
    public string DataPath { get; set; } = "data";
}
