namespace IocCenter.Analytics.Maintenance;

/// <summary>
/// A maintenance window as the console or the API posts it. <see cref="Scope"/> is "device", "area" or "domain" (any
/// case). A null or blank <see cref="Cron"/> makes a one-off window [<see cref="StartsAt"/>, <see cref="EndsAt"/>) and
/// <see cref="DurationMinutes"/> is then unused; otherwise each occurrence lasts <see cref="DurationMinutes"/>.
/// </summary>
public sealed record MaintenanceRequest(
    string Scope,
    string Target,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    string? Cron,
    int? DurationMinutes,
    string Reason);
