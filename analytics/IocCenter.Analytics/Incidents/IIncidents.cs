using System.Threading.Channels;

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
}
