namespace IocCenter.Analytics.Incidents;

/// <summary>
/// Something an officer must see. <see cref="Active"/> is whether the condition is present now; an incident
/// whose condition cleared before anyone acknowledged it stays <see cref="IncidentState.Open"/> (visible)
/// until it is acknowledged. <see cref="Agency"/> owns it (routing rules, or an officer's hand-over),
/// <see cref="Assignee"/> is the person an officer gave it to, and <see cref="MaintenanceId"/> is the maintenance window
/// it was raised in (it notifies nobody while that lasts).
/// </summary>
public sealed record Incident(
    long Id,
    IncidentKind Kind,
    string Subject,
    string? DeviceId,
    string? Area,
    Severity Severity,
    IncidentState State,
    bool Active,
    DateTimeOffset OpenedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? ClearedAt,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    long? ParentId,
    int Occurrences,
    int ReopenCount,
    Evidence Evidence,
    string? Agency = null,
    string? Assignee = null,
    long? MaintenanceId = null,
    DateTimeOffset? AttentionSince = null)
{
    /// <summary>
    /// Since when it has needed someone: when it opened, reopened, or its maintenance window ended. Escalation counts
    /// from here.
    /// </summary>
    public DateTimeOffset NeedsAttentionSince => AttentionSince ?? OpenedAt;

    /// <summary>The subject of a device incident is its id; of an area incident, <c>area:{area}</c>.</summary>
    public static string SubjectOf(string? deviceId, string? area) =>
        deviceId ?? "area:" + (area ?? throw new ArgumentException("An incident needs a device or an area."));
}

/// <summary>One line of the append-only audit trail.</summary>
public sealed record IncidentEvent(long IncidentId, DateTimeOffset At, string Actor, string Action, IncidentState? From, IncidentState To, string? Comment);

/// <summary>What changed, for every screen: the incident as it is now and the event that made it so.</summary>
public sealed record IncidentChange(Incident Incident, IncidentEvent Event);
