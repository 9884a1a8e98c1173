using System.Collections.Frozen;
using System.Text;
using IocCenter.Telemetry;

namespace IocCenter.Devices;

/// <summary>A service's broker account (ingest, analytics, the dashboard): it may read and write everything under <c>ioc/v1/</c>.</summary>
public sealed record ServiceAccount(string Username, string SecretHash);

/// <summary>Who a broker connection authenticated as.</summary>
public abstract record BrokerIdentity(string Username);

/// <summary>A field device: publishes under its own <c>ioc/v1/{domain}/{id}/</c> and subscribes to nothing.</summary>
public sealed record DeviceIdentity(DeviceRecord Device) : BrokerIdentity(Device.Id)
{
    /// <summary>The only topics it may publish: <c>ioc/v1/{domain}/{id}/…</c>.</summary>
    public string TopicPrefix { get; } = $"{TelemetryTopic.Root}{Device.Domain.Name()}/{Device.Id}/";
}

public sealed record ServiceIdentity(string Name) : BrokerIdentity(Name);

/// <summary>
/// A device that did not sign in, where the broker lets such devices in (the demo, no device registry): it may publish
/// readings and status under <c>ioc/v1/{domain}/{id}/</c> for any id, nothing else, and subscribes to nothing.
/// </summary>
public sealed record AnonymousIdentity() : BrokerIdentity(string.Empty);

/// <summary>
/// Who may connect to the broker and what each may do, from the device registry (devices with a
/// <see cref="DeviceRecord.SecretHash"/>) and the configured service accounts. The embedded broker asks it on every
/// connection, publish and subscription; <see cref="WriteMosquittoFiles"/> turns the same rules into mosquitto's
/// <c>password_file</c> and <c>acl_file</c> for an external broker.
/// </summary>
public sealed class BrokerAccounts
{
    private readonly FrozenDictionary<string, DeviceRecord> _devices;
    private readonly FrozenDictionary<string, ServiceAccount> _services;

    /// <summary>Client ids beginning with this belong to IocCenter's own services (<c>iocc-ingest-…</c>, <c>iocc-analytics-…</c>).</summary>
    public const string ReservedClientIdPrefix = "iocc-";

    private readonly FrozenSet<string> _reservedClientIds;

    /// <param name="allowAnonymous">Let devices in without credentials (<see cref="AnonymousIdentity"/>, the demo).</param>
    /// <param name="reservedClientIds">Client ids besides <see cref="ReservedClientIdPrefix"/> that only services may use (a configured <c>Mqtt:ClientId</c>).</param>
    public BrokerAccounts(DeviceDirectory devices, IEnumerable<ServiceAccount> services, bool allowAnonymous = false, IEnumerable<string>? reservedClientIds = null)
    {
        AllowAnonymous = allowAnonymous;
        _reservedClientIds = (reservedClientIds ?? []).Where(id => !string.IsNullOrEmpty(id)).ToFrozenSet(StringComparer.Ordinal);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(services);
        _services = services.ToFrozenDictionary(s => s.Username, StringComparer.Ordinal);
        _devices = devices.Devices.Where(d => !string.IsNullOrEmpty(d.SecretHash) && DeviceIds.IsValid(d.Id) && !_services.ContainsKey(d.Id)).ToFrozenDictionary(d => d.Id, StringComparer.Ordinal);
    }

    public int DeviceCount => _devices.Count;

    public int ServiceCount => _services.Count;

    public bool AllowAnonymous { get; }

    /// <summary>
    /// The identity for these credentials, or null (unknown user, wrong password, a device without a secret). Where
    /// anonymous devices are let in, no user name, or one that is no account here, is <see cref="AnonymousIdentity"/>;
    /// an account's name with a wrong password is still refused.
    /// </summary>
    public BrokerIdentity? Authenticate(string? username, string? password)
    {
        if (string.IsNullOrEmpty(username))
        {
            return AllowAnonymous ? new AnonymousIdentity() : null;
        }

        if (_services.TryGetValue(username, out var service))
        {
            return DeviceSecrets.Verify(password, service.SecretHash) ? new ServiceIdentity(service.Username) : null;
        }

        if (_devices.TryGetValue(username, out var device))
        {
            return DeviceSecrets.Verify(password, device.SecretHash) ? new DeviceIdentity(device) : null;
        }

        return AllowAnonymous ? new AnonymousIdentity() : null;
    }

    /// <summary>
    /// Services use any client id; devices and anonymous clients none of the services' (<see cref="ReservedClientIdPrefix"/>,
    /// or a configured one), so nobody can take over ingest's session and the readings queued in it.
    /// </summary>
    public bool MayUseClientId(BrokerIdentity identity, string? clientId) =>
        identity is ServiceIdentity || string.IsNullOrEmpty(clientId)
        || !(clientId.StartsWith(ReservedClientIdPrefix, StringComparison.OrdinalIgnoreCase) || _reservedClientIds.Contains(clientId));

    public static bool MayPublish(BrokerIdentity identity, string topic) => identity switch
    {
        DeviceIdentity device => topic.Length > device.TopicPrefix.Length && topic.StartsWith(device.TopicPrefix, StringComparison.Ordinal),
        ServiceIdentity => topic.StartsWith(TelemetryTopic.Root, StringComparison.Ordinal),
        AnonymousIdentity => IsDeviceTopic(topic),
        _ => false,
    };

    /// <summary>
    /// Whether the broker keeps this message as retained: a service's anything; a device's only its status with a status
    /// payload (<c>online</c> / <c>offline</c>, or empty to clear it). Anything else is passed on without the retain flag,
    /// so a device cannot park readings or megabytes in the broker's memory.
    /// </summary>
    public static bool MayRetain(BrokerIdentity identity, string topic, in System.Buffers.ReadOnlySequence<byte> payload) =>
        identity is ServiceIdentity
        || (topic.EndsWith("/status", StringComparison.Ordinal) && (payload.IsEmpty || DeviceStatus.TryParse(payload, out _)));

    /// <summary>
    /// <c>ioc/v1/{a known domain}/{one level}/telemetry</c> or <c>…/status</c>. A bad device id is let through when the
    /// topic is no longer than a valid one could be, so ingest dead-letters it with its reason, as from any broker;
    /// a longer one is refused here (a 60 KB topic, sent in a loop, would otherwise fill the dead-letter log).
    /// </summary>
    private static bool IsDeviceTopic(string topic)
    {
        var reason = TelemetryTopic.TryParse(topic, DeviceIdCheck, out _);
        return reason is RejectReason.None || (reason is RejectReason.DeviceIdInvalid && topic.Length <= MaxDeviceTopicLength);
    }

    /// <summary><c>ioc/v1/connectivity/</c> + a 64-character id + <c>/telemetry</c>, with room to spare.</summary>
    private const int MaxDeviceTopicLength = 128;

    private static readonly NamePool DeviceIdCheck = new(capacity: 0); // interns nothing: ids made up by anonymous clients are not kept

    /// <summary>Devices subscribe to nothing (no other device's data, no incidents); services to anything under <c>ioc/v1/</c>, shared or not.</summary>
    public static bool MaySubscribe(BrokerIdentity identity, string filter)
    {
        if (identity is not ServiceIdentity)
        {
            return false;
        }

        if (filter.StartsWith("$share/", StringComparison.Ordinal))
        {
            var group = filter.IndexOf('/', "$share/".Length);
            filter = group < 0 ? string.Empty : filter[(group + 1)..];
        }

        return filter.StartsWith(TelemetryTopic.Root, StringComparison.Ordinal);
    }

    /// <summary>
    /// mosquitto's <c>password_file</c> (the registry's hashes as they are: same format) and <c>acl_file</c> (the same
    /// rules as <see cref="MayPublish"/> and <see cref="MaySubscribe"/>). Use with <c>allow_anonymous false</c>.
    /// </summary>
    public void WriteMosquittoFiles(string passwordFile, string aclFile)
    {
        var passwords = new StringBuilder();
        var acl = new StringBuilder("# Generated by IocCenter from the device registry; do not edit by hand.\n");
        foreach (var service in _services.Values.OrderBy(s => s.Username, StringComparer.Ordinal))
        {
            passwords.Append(service.Username).Append(':').Append(service.SecretHash).Append('\n');
            acl.Append("\nuser ").Append(service.Username).Append("\ntopic readwrite ").Append(TelemetryTopic.Root).Append("#\n");
        }

        foreach (var device in _devices.Values.OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            // Device ids are [A-Za-z0-9_.-] (DeviceIds): nothing in them means anything to mosquitto.
            passwords.Append(device.Id).Append(':').Append(device.SecretHash).Append('\n');
            acl.Append("\nuser ").Append(device.Id).Append("\ntopic write ").Append(TelemetryTopic.Root).Append(device.Domain.Name()).Append('/').Append(device.Id).Append("/#\n");
        }

        WriteAtomically(passwordFile, passwords.ToString());
        WriteAtomically(aclFile, acl.ToString());
    }

    private static void WriteAtomically(string path, string text)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, text, new UTF8Encoding(false));
        File.Move(temporary, full, overwrite: true);
    }
}
