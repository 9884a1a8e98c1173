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

    /// <summary>
    /// The largest MQTT packet the embedded broker reads, in bytes (header, topic and payload). A client announcing a
    /// larger one is disconnected before any of it is read into memory. Must leave room for <c>Contract:MaxPayloadBytes</c>
    /// plus a topic, so every payload ingest could accept gets through and larger ones still reach its dead letters.
    /// </summary>
    [Range(4096, 268_435_455)]
    public int BrokerMaxPacketSize { get; set; } = 256 * 1024;

    /// <summary>Connections the embedded broker holds at once; past it a new one is closed at once (and counted).</summary>
    [Range(10, 1_000_000)]
    public int BrokerMaxConnections { get; set; } = 10_000;

    /// <summary>Connections from one IP address at once (devices behind one NAT share an address: raise it for them).</summary>
    [Range(1, 1_000_000)]
    public int BrokerMaxConnectionsPerAddress { get; set; } = 1_000;

    /// <summary>A connection that has not completed its TLS handshake and sent CONNECT within this time is closed.</summary>
    public TimeSpan BrokerConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Run ingest in this process (the default). False, for a dashboard instance of a scaled-out deployment: the
    /// screens get every reading from the broker (<c>Mqtt:Url</c>) and their history from InfluxDB (<c>Influx:Url</c>).
    /// </summary>
    public bool Ingest { get; set; } = true;

    /// <summary>
    /// Run analytics (the incident writer) in this process (the default). False: incidents come from the analytics
    /// host at <c>Analytics:Url</c> (API key <c>Analytics:ApiKey</c>) and its changes on the broker.
    /// </summary>
    public bool Analytics { get; set; } = true;

    /// <summary>
    /// The Redis server of SignalR's backplane (a StackExchange.Redis configuration string such as
    /// <c>redis:6379</c>), for two or more dashboard instances behind one load balancer. Unset: no backplane.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Run the built-in simulator fleet (the demo: devices spread over the province pack's communes).</summary>
    public bool Simulators { get; set; } = true;

    /// <summary>
    /// The built-in fleet's devices of each domain (traffic, environment, connectivity) in each commune of the province
    /// pack: 1 gives Đồng Tháp's 102 communes 306 devices. <c>Simulator:Traffic</c>, <c>:Environment</c> and
    /// <c>:Connectivity</c>, when set, give a domain's count for the whole province instead.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 100)]
    public int DevicesPerArea { get; set; } = 1;

    /// <summary>
    /// Whether devices must sign in to the embedded broker. <c>Auto</c>: when a configured device registry lists devices
    /// (the province pack's devices.json or <c>Devices:RegistryPath</c>), every device connects with its own secret. Otherwise (and with <c>Off</c>) devices
    /// may connect without credentials, but only to publish readings and status (<see cref="Devices.AnonymousIdentity"/>).
    /// IocCenter's own services sign in either way.
    /// </summary>
    public BrokerAuthentication BrokerAuthentication { get; set; } = BrokerAuthentication.Auto;

    /// <summary>Service accounts of the embedded broker (ingest, analytics instances elsewhere): username and secret hash.</summary>
    public List<ServiceAccountOptions> BrokerServices { get; set; } = [];

    /// <summary>The embedded broker's TLS listener: a PEM certificate (with <see cref="BrokerTlsKeyPath"/>) or a PFX file. Unset: no TLS listener.</summary>
    public string? BrokerTlsCertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="BrokerTlsCertificatePath"/> (unset for a PFX file).</summary>
    public string? BrokerTlsKeyPath { get; set; }

    /// <summary>The password of a PFX file or an encrypted PEM key.</summary>
    public string? BrokerTlsCertificatePassword { get; set; }

    [Range(1, 65535)]
    public int BrokerTlsPort { get; set; } = 8883;

    /// <summary>How often the screens' device states are saved (they are restored at start; see the README's Guarantees).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan DeviceStateSaveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Everything the host keeps: telemetry (SQLite), the journal, incidents, models, dead letters.</summary>
    [Required]
    public string DataPath { get; set; } = "data";
}

public enum BrokerAuthentication
{
    Auto,
    Required,
    Off,
}

/// <summary>A service account from configuration: <c>AllInOne:BrokerServices:0:Username</c> and <c>…:SecretHash</c> (<c>iocc-devices hash</c>).</summary>
public sealed class ServiceAccountOptions
{
    [Required]
    public string Username { get; set; } = string.Empty;

    [Required]
    public string SecretHash { get; set; } = string.Empty;
}
