using IocCenter.Analytics.Incidents;

namespace IocCenter.Analytics.Live;

/// <summary>
/// The incident writer's HTTP API, for dashboards running apart from analytics (JSON as <see cref="IncidentJson"/>,
/// every call with <c>Authorization: Bearer {Analytics:ApiKey}</c>):
/// <c>GET {Prefix}/unresolved</c>, <c>GET {Prefix}?limit=N</c> (newest first), <c>GET {Prefix}/{id}</c> (with its
/// audit trail), <c>POST {Prefix}/{id}/acknowledge</c> and <c>/resolve</c> with <see cref="IncidentActionRequest"/>
/// (404: no such incident; 409: its state does not allow it, with the reason).
/// </summary>
public static class IncidentApi
{
    public const string Prefix = "/api/v1/incidents";

    /// <summary><c>GET</c> every window; <c>POST</c> a <see cref="MaintenanceSetRequest"/>; <c>POST /{id}/cancel</c> an <see cref="IncidentActionRequest"/>.</summary>
    public const string MaintenancePath = "/api/v1/maintenance";

    /// <summary><c>GET</c> the agencies.</summary>
    public const string AgenciesPath = "/api/v1/agencies";

    /// <summary><c>GET</c> the outbox's <see cref="NotificationStatus"/>.</summary>
    public const string NotificationsPath = "/api/v1/notifications";

    /// <summary>Where analytics publishes every incident change (<c>{prefix}{id}</c>, QoS1, the unresolved retained).</summary>
    public const string ChangesTopicPrefix = "ioc/v1/incidents/";

    /// <summary>The shared secret dashboards present; unset, the API is not served.</summary>
    public const string KeySetting = "Analytics:ApiKey";
}

/// <summary>An officer's action, made on a dashboard that signed the officer in.</summary>
public sealed record IncidentActionRequest(string User, string? Comment);

/// <summary>An officer gives an incident to a person and/or hands it to another agency.</summary>
public sealed record IncidentAssignRequest(string User, string? Assignee, string? Agency, string? Comment);

/// <summary>An officer sets a maintenance window (<c>POST {MaintenancePath}</c>).</summary>
public sealed record MaintenanceSetRequest(string User, Maintenance.MaintenanceRequest Window);

public sealed record IncidentWithAudit(Incident Incident, IReadOnlyList<IncidentEvent> Audit);

/// <summary>Why an action was refused (409).</summary>
public sealed record IncidentActionRefused(string Error);
