namespace IocCenter.Analytics.Maintenance;

/// <summary>
/// A maintenance window as the console or the API posts it. <see cref="Scope"/> is "device", "area" or "domain" (any
/// case). A null or blank <see cref="Cron"/> makes a one-off window [<see cref="StartsAt"/>, <see cref="EndsAt"/>) and
/// <see cref="DurationMinutes"/> is then unused; otherwise each occurrence lasts <see cref="DurationMinutes"/>. A time
/// without an offset is Vietnam's (<see cref="VietnamTimeJson"/>).
/// </summary>
public sealed record MaintenanceRequest(
    string Scope,
    string Target,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(VietnamTimeJson))] DateTimeOffset StartsAt,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(VietnamTimeOrNullJson))] DateTimeOffset? EndsAt,
    string? Cron,
    int? DurationMinutes,
    string Reason);
