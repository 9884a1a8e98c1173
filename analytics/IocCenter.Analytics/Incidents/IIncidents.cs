using System.Threading.Channels;
using IocCenter.Analytics.Maintenance;

namespace IocCenter.Analytics.Incidents;

/// <summary>
/// What a dashboard needs of incidents: the unresolved ones and every change to them, the history with its audit
/// trail, and an officer's acknowledge and resolve. In the same process it is <see cref="IncidentService"/> (the
/// single writer); a dashboard running apart from analytics reaches that writer over HTTP and follows its changes on MQTT.
/// </summary>
public interface IIncidents
{
    /// <summary>Unresolved incidents, most severe and newest first.</summary>
    IReadOnlyList<Incident> Unresolved();

    /// <summary>Every change from now on.</summary>
    ChannelReader<IncidentChange> Subscribe();

    Task<Incident?> FindAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>The newest incidents in any state, newest first (the console's history).</summary>
    Task<IReadOnlyList<Incident>> RecentAsync(int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<IncidentEvent>> AuditTrailAsync(long id, CancellationToken cancellationToken = default);

    /// <exception cref="KeyNotFoundException">No such incident.</exception>
    /// <exception cref="IllegalTransitionException">Its state does not allow it.</exception>
    Task<Incident> AcknowledgeAsync(long id, string user, string? comment);

    /// <inheritdoc cref="AcknowledgeAsync"/>
    Task<Incident> ResolveAsync(long id, string user, string? comment);

    /// <summary>Gives an incident to a person and/or hands it to another agency (audited).</summary>
    /// <exception cref="ArgumentException">Neither given, an unknown agency, or too long; the message says why.</exception>
    /// <inheritdoc cref="AcknowledgeAsync"/>
    Task<Incident> AssignAsync(long id, string user, string? assignee, string? agency, string? comment);

    /// <summary>The agencies incidents can belong to.</summary>
    Task<IReadOnlyList<AgencyInfo>> AgenciesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every maintenance window, newest first (a dashboard apart keeps a copy refreshed every few seconds).</summary>
    IReadOnlyList<MaintenanceWindow> Maintenance();

    /// <exception cref="ArgumentException">The request is not valid; the message says why.</exception>
    Task<MaintenanceWindow> SetMaintenanceAsync(MaintenanceRequest request, string user);

    /// <exception cref="KeyNotFoundException">No such window.</exception>
    Task<MaintenanceWindow> CancelMaintenanceAsync(long id, string user, string? comment);

    /// <summary>The outbox per channel and its newest rows (the admin page).</summary>
    Task<NotificationStatus> NotificationStatusAsync(CancellationToken cancellationToken = default);
}

/// <summary>An agency as screens list it.</summary>
public sealed record AgencyInfo(string Code, string Name, string? NameEn);

/// <summary>The configured channels, the outbox per channel and its newest rows.</summary>
public sealed record NotificationStatus(IReadOnlyList<string> Configured, IReadOnlyList<ChannelStatus> Channels, IReadOnlyList<OutboxEntry> Recent);
