namespace IocCenter.Analytics.Maintenance;

/// <summary>What a maintenance window covers: one device, one commune-level area, or a whole domain.</summary>
public enum MaintenanceScope
{
    Device,
    Area,
    Domain,
}

/// <summary>
/// Planned work that must not raise alarms. One-off: <see cref="Cron"/> is null and the window is
/// [<see cref="StartsAt"/>, <see cref="EndsAt"/>). Recurring: every occurrence of <see cref="Cron"/> (five fields,
/// Asia/Ho_Chi_Minh time) at or after <see cref="StartsAt"/> opens a window of <see cref="Duration"/>; occurrences
/// stop at <see cref="EndsAt"/> when it is set. A cancelled window covers nothing from <see cref="CancelledAt"/> on.
/// </summary>
public sealed record MaintenanceWindow(
    long Id,
    MaintenanceScope Scope,
    string Target,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    string? Cron,
    TimeSpan? Duration,
    string Reason,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CancelledAt = null,
    string? CancelledBy = null);
