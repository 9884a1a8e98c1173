namespace IocCenter.Telemetry;

public enum TopicKind
{
    Telemetry,
    Status,
}

/// <summary>A parsed device topic of the v1 contract: <c>ioc/v1/{domain}/{deviceId}/{telemetry|status}</c>.</summary>
public readonly record struct TelemetryTopic(TelemetryDomain Domain, string DeviceId, TopicKind Kind)
{
    public const string Root = "ioc/v1/";

    /// <summary>Topics under the root that IocCenter itself publishes; ingest ignores them.</summary>
    public static bool IsServiceTopic(string topic) =>
        topic.StartsWith("ioc/v1/deadletter/", StringComparison.Ordinal) ||
        topic.StartsWith("ioc/v1/incidents/", StringComparison.Ordinal) ||
        topic.StartsWith("ioc/v1/system/", StringComparison.Ordinal);

    public static string Telemetry(TelemetryDomain domain, string deviceId) => $"{Root}{domain.Name()}/{deviceId}/telemetry";

    public static string Status(TelemetryDomain domain, string deviceId) => $"{Root}{domain.Name()}/{deviceId}/status";

    public static string DeadLetter(RejectReason reason) => $"{Root}deadletter/{reason.Code()}";

    /// <summary>Parses a topic; <paramref name="deviceIds"/> interns device ids so steady traffic allocates none.</summary>
    public static RejectReason TryParse(string topic, NamePool deviceIds, out TelemetryTopic parsed)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(deviceIds);
        parsed = default;
        if (!topic.StartsWith(Root, StringComparison.Ordinal))
        {
            return RejectReason.TopicInvalid;
        }

        var rest = topic.AsSpan(Root.Length);
        var first = rest.IndexOf('/');
        if (first <= 0)
        {
            return RejectReason.TopicInvalid;
        }

        var domainName = rest[..first];
        rest = rest[(first + 1)..];
        var second = rest.IndexOf('/');
        if (second < 0)
        {
            return RejectReason.TopicInvalid;
        }

        var device = rest[..second];
        var kindName = rest[(second + 1)..];
        TopicKind kind;
        if (kindName.SequenceEqual("telemetry"))
        {
            kind = TopicKind.Telemetry;
        }
        else if (kindName.SequenceEqual("status"))
        {
            kind = TopicKind.Status;
        }
        else
        {
            // Covers extra levels too: "a/b/telemetry" is not a kind.
            return RejectReason.TopicInvalid;
        }

        if (!TelemetryDomains.TryParse(domainName, out var domain))
        {
            return RejectReason.DomainUnknown;
        }

        if (!DeviceIds.IsValid(device))
        {
            return RejectReason.DeviceIdInvalid;
        }

        parsed = new TelemetryTopic(domain, deviceIds.Get(device), kind);
        return RejectReason.None;
    }
}
