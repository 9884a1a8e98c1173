using System.ComponentModel.DataAnnotations;
using MQTTnet.Protocol;

namespace IocCenter.Simulators.Fleet;

public enum Pacing
{
    /// <summary>Every device reports once per <see cref="FleetOptions.Interval"/>, like the real fleet.</summary>
    Interval,

    /// <summary>The fleet as a whole sends <see cref="FleetOptions.Rate"/> messages per second.</summary>
    Rate,

    /// <summary>As fast as the broker takes them (load tests).</summary>
    Flood,
}

/// <summary>Bound from configuration section <c>Simulator</c>.</summary>
public sealed class FleetOptions
{
    public const string Section = "Simulator";

    [Required]
    public Uri BrokerUrl { get; set; } = new("mqtt://127.0.0.1:1883");

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Per-device broker passwords (device id → secret): a device listed here connects as itself, the others with <see cref="Username"/>.</summary>
    public IReadOnlyDictionary<string, string>? Credentials { get; set; }

    [Range(0, 100_000)]
    public int Traffic { get; set; } = 120;

    [Range(0, 100_000)]
    public int Environment { get; set; } = 60;

    [Range(0, 100_000)]
    public int Connectivity { get; set; } = 120;

    public Pacing Pacing { get; set; } = Pacing.Interval;

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages per second for the whole fleet, with <see cref="Pacing.Rate"/>.</summary>
    [Range(0.001, 10_000_000)]
    public double Rate { get; set; } = 1000;

    /// <summary>Stop after this many messages in all (0: no limit).</summary>
    [Range(0, long.MaxValue)]
    public long Count { get; set; }

    /// <summary>Stop after this long (zero: no limit).</summary>
    public TimeSpan Duration { get; set; }

    public int Seed { get; set; } = 42;

    public MqttQualityOfServiceLevel Qos { get; set; } = MqttQualityOfServiceLevel.AtLeastOnce;

    /// <summary>
    /// Simulated time: the first reading of every device is stamped with this and each next one an
    /// <see cref="Interval"/> later, whatever the wall clock says. Unset: readings carry the time they are sent.
    /// </summary>
    public DateTimeOffset? Start { get; set; }

    /// <summary>Prefix of device ids and MQTT client ids, so two fleets on one broker do not collide.</summary>
    [Required, RegularExpression("^[a-z0-9-]{1,16}$")]
    public string Prefix { get; set; } = "sim";

    /// <summary>Devices connecting at the same time.</summary>
    [Range(1, 1000)]
    public int ConnectConcurrency { get; set; } = 32;

    /// <summary>Publishes a device may have awaiting their PUBACK at once (1: one after the other, like most devices).</summary>
    [Range(1, 1000)]
    public int MaxInFlightPerDevice { get; set; } = 1;

    /// <summary>Labelled anomalies of every kind to inject over the run (0: a clean run). See <see cref="Scenarios.ScenarioPlan"/>.</summary>
    [Range(0, 1000)]
    public int Scenarios { get; set; }

    /// <summary>The time over which scenarios are spread (default: <see cref="Duration"/>, or 24 h).</summary>
    public TimeSpan? ScenarioWindow { get; set; }

    public int TotalDevices => Traffic + Environment + Connectivity;
}
