namespace IocCenter.Analytics.Incidents;

/// <summary>Thrown for a transition the lifecycle does not allow (acknowledging a resolved incident, say).</summary>
public sealed class IllegalTransitionException : InvalidOperationException
{
    public IllegalTransitionException()
    {
    }

    public IllegalTransitionException(string message)
        : base(message)
    {
    }

    public IllegalTransitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The lifecycle open → acknowledged → resolved as pure functions: each returns the incident after the step
/// and the audit events it produced (none when nothing an officer would care about changed).
/// </summary>
public static class IncidentLifecycle
{
    public const string System = "system";

    /// <summary>The condition is present. Updates the open incident, or reopens a recently resolved one.</summary>
    public static (Incident Incident, IncidentEvent? Event) Recur(Incident incident, Severity severity, Evidence evidence, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (incident.State == IncidentState.Resolved)
        {
            var reopened = incident with
            {
                State = IncidentState.Open,
                Active = true,
                Severity = severity,
                LastSeenAt = at,
                ClearedAt = null,
                AcknowledgedAt = null,
                AcknowledgedBy = null,
                ResolvedAt = null,
                ResolvedBy = null,
                Occurrences = incident.Occurrences + 1,
                ReopenCount = incident.ReopenCount + 1,
                Evidence = evidence,
            };
            return (reopened, new IncidentEvent(incident.Id, at, System, "reopened", IncidentState.Resolved, IncidentState.Open, null));
        }

        // A severity only rises while the condition lasts (the incident shows the worst it reached), except around a
        // provisional value: it is an estimate, so the next word on it (the official value that replaces it, or the
        // next hour's estimate) sets the severity, lower if need be. The detector raises a provisional value only
        // above what the official one holds, so this never lowers an official severity by a guess.
        var replaced = incident.Evidence.Provisional && !evidence.Provisional;
        var revisable = incident.Evidence.Provisional || evidence.Provisional;
        var newSeverity = revisable || severity > incident.Severity ? severity : incident.Severity;
        var reactivated = !incident.Active;
        var updated = incident with
        {
            Active = true,
            Severity = newSeverity,
            LastSeenAt = at,
            ClearedAt = null,
            Occurrences = incident.Occurrences + (reactivated ? 1 : 0),
            Evidence = evidence,
        };
        // "Cao → Nghiêm trọng / major → critical": the console shows the reader's half, in the words of its severity labels.
        var change = newSeverity == incident.Severity ? null : $"{SeverityVi(incident.Severity)} → {SeverityVi(newSeverity)} / {incident.Severity.Code()} → {newSeverity.Code()}";
        var (action, comment) = replaced ? ("provisional_replaced", Annotated(evidence.Detail, change))
            : newSeverity > incident.Severity ? ("escalated", change)
            : reactivated ? ("recurred", change)
            : newSeverity < incident.Severity ? ("revised", change)
            : ((string?)null, (string?)null);
        return (updated, action is null ? null : new IncidentEvent(incident.Id, at, System, action, incident.State, incident.State, comment));
    }

    /// <summary>A detector's "Tiếng Việt / English" text with the severity change in each language's half (screens show one half).</summary>
    private static string? Annotated(string? detail, string? change)
    {
        if (change is null)
        {
            return detail;
        }

        var halves = (detail ?? "").Split(" / ");
        var changes = change.Split(" / ");
        return halves.Length == 2 ? $"{halves[0]} ({changes[0]}) / {halves[1]} ({changes[1]})" : $"{detail} ({changes[0]}) / {detail} ({changes[1]})";
    }

    /// <summary>A severity as the Vietnamese screens name it (the i18n table's <c>severity</c>).</summary>
    private static string SeverityVi(Severity severity) => severity switch
    {
        Severity.Critical => "Nghiêm trọng",
        Severity.Major => "Cao",
        Severity.Minor => "Trung bình",
        _ => "Thấp",
    };

    /// <summary>
    /// The condition has been normal long enough. An acknowledged incident is then resolved; an unacknowledged
    /// one stays open, marked cleared, until an officer acknowledges it.
    /// </summary>
    /// <param name="evidence">
    /// The detector's reason for clearing. It replaces the incident's evidence only when that was provisional (the
    /// official value did not bear the estimate out, and the officer must read that rather than the estimate);
    /// otherwise the evidence of what fired stays.
    /// </param>
    public static (Incident Incident, IncidentEvent? Event) Clear(Incident incident, DateTimeOffset at, Evidence? evidence = null)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (!incident.Active || incident.State == IncidentState.Resolved)
        {
            return (incident, null);
        }

        var replaced = incident.Evidence.Provisional && evidence is not null;
        var kept = replaced ? evidence! : incident.Evidence;
        if (incident.State == IncidentState.Acknowledged)
        {
            var resolved = incident with { Active = false, ClearedAt = at, State = IncidentState.Resolved, ResolvedAt = at, ResolvedBy = System, Evidence = kept };
            return (resolved, new IncidentEvent(incident.Id, at, System, "auto_resolved", IncidentState.Acknowledged, IncidentState.Resolved, replaced ? evidence!.Detail : "đã bình thường lại / back to normal"));
        }

        return (incident with { Active = false, ClearedAt = at, Evidence = kept }, new IncidentEvent(incident.Id, at, System, "cleared", incident.State, incident.State, replaced ? evidence!.Detail : "đã bình thường lại, chờ tiếp nhận / back to normal; awaiting acknowledgement"));
    }

    public static (Incident Incident, IReadOnlyList<IncidentEvent> Events) Acknowledge(Incident incident, string user, string? comment, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        if (incident.State != IncidentState.Open)
        {
            // Said to an officer (two may press at once): Vietnamese / English, the console shows the reader's half.
            throw new IllegalTransitionException(incident.State == IncidentState.Resolved
                ? $"Sự cố #{incident.Id} đã xử lý xong, không cần tiếp nhận nữa / Incident {incident.Id} is already resolved; there is nothing to acknowledge."
                : $"Sự cố #{incident.Id} đã có người tiếp nhận / Incident {incident.Id} has already been acknowledged.");
        }

        var acknowledged = incident with { State = IncidentState.Acknowledged, AcknowledgedAt = at, AcknowledgedBy = user };
        var events = new List<IncidentEvent> { new(incident.Id, at, user, "acknowledged", IncidentState.Open, IncidentState.Acknowledged, comment) };
        if (!incident.Active)
        {
            // Its condition already cleared: acknowledging it is all that was left.
            acknowledged = acknowledged with { State = IncidentState.Resolved, ResolvedAt = at, ResolvedBy = System };
            events.Add(new(incident.Id, at, System, "auto_resolved", IncidentState.Acknowledged, IncidentState.Resolved, "đã bình thường lại trước khi tiếp nhận / it was back to normal before it was acknowledged"));
        }

        return (acknowledged, events);
    }

    public static (Incident Incident, IncidentEvent Event) Resolve(Incident incident, string user, string? comment, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        if (incident.State == IncidentState.Resolved)
        {
            throw new IllegalTransitionException($"Sự cố #{incident.Id} đã được xử lý xong / Incident {incident.Id} is already resolved.");

        }

        var resolved = incident with { State = IncidentState.Resolved, ResolvedAt = at, ResolvedBy = user, AcknowledgedAt = incident.AcknowledgedAt ?? at, AcknowledgedBy = incident.AcknowledgedBy ?? user };
        return (resolved, new IncidentEvent(incident.Id, at, user, "resolved", incident.State, IncidentState.Resolved, comment));
    }
}
