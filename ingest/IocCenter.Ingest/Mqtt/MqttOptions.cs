using System.ComponentModel.DataAnnotations;

namespace IocCenter.Ingest.Mqtt;

/// <summary>Bound from configuration section <c>Mqtt</c>.</summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary><c>mqtt://host:port</c> or <c>mqtts://host:port</c> (TLS).</summary>
    [Required]
    public Uri Url { get; set; } = new("mqtt://127.0.0.1:1883");

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Stable across restarts so the broker keeps the session (and the messages queued in it).</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string ClientId { get; set; } = "iocc-ingest-" + SanitizedMachineName();

    /// <summary>When set, subscribes through <c>$share/{SharedGroup}/...</c> so instances split the load.</summary>
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string? SharedGroup { get; set; }

    /// <summary>
    /// MQTT 5 Receive Maximum: messages the broker may have in flight to this client. Acknowledgements wait for
    /// the journal's fsync, so this must exceed (messages per second x fsync time); the broker's own cap
    /// (mosquitto: max_inflight_messages, default 20) must be raised to match.
    /// </summary>
    [Range(1, 65535)]
    public int ReceiveMaximum { get; set; } = 4096;

    /// <summary>How long the broker keeps the session while ingest is away.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(30);

    private static string SanitizedMachineName()
    {
        var name = new string(Environment.MachineName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').ToArray());
        return name.Length == 0 ? "default" : name[..Math.Min(name.Length, 40)];
    }
}
