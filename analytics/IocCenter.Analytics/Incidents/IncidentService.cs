using System.Globalization;
using IocCenter.Analytics.Agencies;
using IocCenter.Analytics.Notifications;
using System.Threading.Channels;

namespace IocCenter.Analytics.Incidents;

/// <summary>
/// The single writer of incidents: detectors raise and clear, officers acknowledge and resolve, every change is
/// stored (with its audit events) before it is announced to subscribers. Unresolved incidents are kept in memory
/// too, loaded from the store at start, so a restart brings back every open incident and acknowledgement.
/// </summary>
public sealed partial class IncidentService : IIncidents, IDisposable
{
    private readonly IncidentStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _reopenWithin;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Dictionary<(IncidentKind Kind, string Subject), Incident> _unresolved = [];
    private readonly List<Channel<IncidentChange>> _subscribers = [];
    private readonly IncidentDispatch? _dispatch;

    /// <param name="reopenWithin">A condition that returns this soon after its incident was resolved reopens it instead of opening another.</param>
    /// <param name="dispatch">Routing, notifications and escalation; without it incidents have no agency and tell nobody.</param>
    public IncidentService(IncidentStore store, TimeProvider time, TimeSpan reopenWithin, IncidentDispatch? dispatch = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time;
        _reopenWithin = reopenWithin;
        _dispatch = dispatch;
        foreach (var incident in store.Unresolved())
        {
            _unresolved[(incident.Kind, incident.Subject)] = incident;
        }

        _maintenance = [.. store.MaintenanceWindows()];
    }

    /// <summary>Unresolved incidents, most severe and newest first.</summary>
    public IReadOnlyList<Incident> Unresolved()
    {
        lock (_unresolved)
        {
            return _unresolved.Values.OrderByDescending(i => i.Severity).ThenByDescending(i => i.LastSeenAt).ToList();
        }
    }

    /// <summary>Whether a device has an unresolved incident of <paramref name="kind"/> whose condition is present.</summary>
    public bool IsActive(IncidentKind kind, string deviceId)
    {
        lock (_unresolved)
        {
            return _unresolved.TryGetValue((kind, deviceId), out var incident) && incident.Active;
        }
    }

    /// <summary>Every change from now on. A subscriber that falls 10,000 changes behind loses the oldest.</summary>
    public ChannelReader<IncidentChange> Subscribe()
    {
        var channel = Channel.CreateBounded<IncidentChange>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_subscribers)
        {
            _subscribers.Add(channel);
        }

        return channel.Reader;
    }

    /// <summary>
    /// A detector says the condition is present. A device going offline inside an area that is out becomes a
    /// child of the outage; an outage adopts the area's offline devices (one incident on the wall, not fifty).
    /// </summary>
    public async Task<Incident> RaiseAsync(IncidentKind kind, string? deviceId, string? area, Severity severity, Evidence evidence, long? parentId = null)
    {
        var subject = Incident.SubjectOf(deviceId, area);
        return await WriteAsync(() =>
        {
            var now = _time.GetUtcNow();
            var key = (kind, subject);
            if (kind == IncidentKind.DeviceOffline && parentId is null && area is not null)
            {
                lock (_unresolved)
                {
                    parentId = _unresolved.GetValueOrDefault((IncidentKind.AreaOutage, Incident.SubjectOf(null, area)))?.Id;
                }
            }

            Incident? current;
            lock (_unresolved)
            {
                _unresolved.TryGetValue(key, out current);
            }

            current ??= _store.LastResolved(kind, subject) is { } last && now - last.ResolvedAt <= _reopenWithin ? last : null;
            if (current is null)
            {
                var fresh = Routed(new Incident(0, kind, subject, deviceId, area, severity, IncidentState.Open, true, now, now, null, null, null, null, null, parentId, 1, 0, evidence), now);
                var opened = OpenedComment(fresh, evidence.Detail);
                var stored = _store.Insert(fresh, id => new IncidentEvent(id, now, IncidentLifecycle.System, "opened", null, IncidentState.Open, opened), Announcements("opened"), _dispatch?.HoldNew ?? TimeSpan.Zero);
                Publish(stored, new IncidentEvent(stored.Id, now, IncidentLifecycle.System, "opened", null, IncidentState.Open, opened));
                if (kind == IncidentKind.AreaOutage)
                {
                    AdoptChildren(stored, now);
                }

                return stored;
            }

            var (updated, e) = IncidentLifecycle.Recur(current, severity, evidence, now);
            if (e?.Action == "reopened")
            {
                // Back after it was resolved: it needs someone again, from now, and its agency hears of it again.
                var reopened = Routed(updated with { Agency = current.Agency, Assignee = current.Assignee }, now);
                return Save(reopened, [e with { Comment = OpenedComment(reopened, null) }], Announcements("reopened")?.Invoke(reopened), _dispatch?.HoldNew ?? TimeSpan.Zero);
            }

            // Worse than its agency was told: they hear of it again (once per severity reached).
            var worse = e?.Action == "escalated" && updated.State == IncidentState.Open ? Announcements("severity_" + updated.Severity.Code())?.Invoke(updated) : null;
            return Save(updated, e is null ? [] : [e], worse);
        });
    }

    /// <summary>
    /// A new or reopened incident: its agency (kept when it has one: an officer may have handed it over), whether a
    /// maintenance window covers it, and from when it needs attention.
    /// </summary>
    private Incident Routed(Incident incident, DateTimeOffset now)
    {
        var agency = incident.Agency ?? _dispatch?.Route(incident).Agency;
        var window = Covering(incident, now);
        return incident with { Agency = agency, MaintenanceId = window?.Id, AttentionSince = now };
    }

    private static string? OpenedComment(Incident incident, string? detail) => incident.MaintenanceId is { } window
        ? $"{detail}{(detail is null ? "" : " — ")}trong giờ bảo trì #{window}, không báo ai / during maintenance window {window}: nobody is notified"
        : detail;

    // Nobody is told of an incident raised during maintenance, nor of a device's offline inside an area outage (its
    // agency hears of the outage, once, not of fifty devices).
    private Func<Incident, IReadOnlyList<Notification>>? Announcements(string occasion) =>
        _dispatch is null ? null : incident => incident.MaintenanceId is null && incident.ParentId is null ? _dispatch.Announce(incident, occasion) : [];

    /// <summary>A detector says the condition has been normal long enough (<paramref name="evidence"/>: see <see cref="IncidentLifecycle.Clear"/>).</summary>
    public async Task<Incident?> ClearAsync(IncidentKind kind, string? deviceId, string? area, Evidence? evidence = null)
    {
        var subject = Incident.SubjectOf(deviceId, area);
        return await WriteAsync(() =>
        {
            Incident? current;
            lock (_unresolved)
            {
                _unresolved.TryGetValue((kind, subject), out current);
            }

            if (current is null)
            {
                return null;
            }

            var now = _time.GetUtcNow();
            var (cleared, e) = IncidentLifecycle.Clear(current, now, evidence);
            if (e is not null && cleared.MaintenanceId is { } window && cleared.State == IncidentState.Open)
            {
                // Raised and cleared inside planned work: nobody needs to acknowledge it, so it leaves the screens.
                var resolved = cleared with { State = IncidentState.Resolved, ResolvedAt = now, ResolvedBy = IncidentLifecycle.System };
                return Save(resolved, [e, new IncidentEvent(current.Id, now, IncidentLifecycle.System, "auto_resolved", IncidentState.Open, IncidentState.Resolved,
                    $"đã bình thường lại trong giờ bảo trì #{window} / back to normal during maintenance window {window}")]);
            }

            return e is null ? current : Save(cleared, [e]);
        });
    }

    public async Task<Incident> AcknowledgeAsync(long id, string user, string? comment) =>
        await WriteAsync(() =>
        {
            var (acknowledged, events) = IncidentLifecycle.Acknowledge(Existing(id), user, comment, _time.GetUtcNow());
            return Save(acknowledged, events);
        });

    /// <summary>
    /// An officer resolves an incident. A device_offline incident whose device is still offline (the detector has not
    /// cleared it) is resolved as asked, and a new incident opens at once saying the device is still offline: the wall
    /// keeps showing the device offline, and a state on the wall is always explained by an incident. (Acknowledging is
    /// how an officer says "known, being handled"; the incident closes by itself when the device is back.)
    /// </summary>
    public async Task<Incident> ResolveAsync(long id, string user, string? comment) =>
        await WriteAsync(() =>
        {
            var current = Existing(id);
            var now = _time.GetUtcNow();
            var (resolved, e) = IncidentLifecycle.Resolve(current, user, comment, now);
            var result = Save(resolved, [e]);
            if (current.Kind == IncidentKind.DeviceOffline && current.Active)
            {
                var detail = string.Create(CultureInfo.InvariantCulture, $"thiết bị vẫn mất kết nối sau khi sự cố #{current.Id} được đóng / device still offline after incident #{current.Id} was resolved");
                var evidence = current.Evidence with { Detail = detail };
                long? parentId = null;
                if (current.Area is { } area)
                {
                    lock (_unresolved)
                    {
                        parentId = _unresolved.GetValueOrDefault((IncidentKind.AreaOutage, Incident.SubjectOf(null, area)))?.Id;
                    }
                }

                var fresh = new Incident(0, current.Kind, current.Subject, current.DeviceId, current.Area, current.Severity, IncidentState.Open, true, now, now, null, null, null, null, null, parentId, 1, 0, evidence,
                    current.Agency, current.Assignee, Covering(current, now)?.Id, now);
                var stored = _store.Insert(fresh, newId => new IncidentEvent(newId, now, IncidentLifecycle.System, "opened", null, IncidentState.Open, detail));
                Publish(stored, new IncidentEvent(stored.Id, now, IncidentLifecycle.System, "opened", null, IncidentState.Open, detail));
            }

            return result;
        });

    /// <summary>
    /// A device left the screens (an admin removed it, or it was forgotten): its unresolved incidents are resolved by
    /// <paramref name="user"/> with <paramref name="comment"/> (audited), and none is opened again for it here. Returns
    /// how many. If the device reports again, the detectors say so again.
    /// </summary>
    public Task<int> ResolveRemovedDeviceAsync(string deviceId, string user, string comment = RemovedComment) =>
        ResolveRemovedDevicesAsync([deviceId], user, comment);

    /// <inheritdoc cref="ResolveRemovedDeviceAsync"/>
    public async Task<int> ResolveRemovedDevicesAsync(IReadOnlyCollection<string> deviceIds, string user, string comment = RemovedComment)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var devices = deviceIds.ToHashSet(StringComparer.Ordinal);
        return await WriteAsync(() =>
        {
            List<Incident> open;
            lock (_unresolved)
            {
                open = _unresolved.Values.Where(i => i.DeviceId is { } d && devices.Contains(d)).ToList();
            }

            var now = _time.GetUtcNow();
            foreach (var incident in open)
            {
                var (resolved, e) = IncidentLifecycle.Resolve(incident, user, comment, now);
                Save(resolved with { Active = false, ClearedAt = incident.ClearedAt ?? now }, [e]);
            }

            return open.Count;
        });
    }

    private const string RemovedComment = "thiết bị đã bị gỡ khỏi hệ thống / device removed";

    // Reads share the writer's gate: the store has one connection, and web requests read while detectors write.
    public Incident? Find(long id) => Read(() => _store.Find(id));

    /// <summary>The newest incidents in any state, newest first (the console's history).</summary>
    public IReadOnlyList<Incident> Recent(int limit) => Read(() => _store.Recent(limit));

    public IReadOnlyList<IncidentEvent> AuditTrail(long id) => Read(() => _store.Events(id));

    Task<Incident?> IIncidents.FindAsync(long id, CancellationToken cancellationToken) => Task.FromResult(Find(id));

    Task<IReadOnlyList<Incident>> IIncidents.RecentAsync(int limit, CancellationToken cancellationToken) => Task.FromResult(Recent(limit));

    Task<IReadOnlyList<IncidentEvent>> IIncidents.AuditTrailAsync(long id, CancellationToken cancellationToken) => Task.FromResult(AuditTrail(id));

    private T Read<T>(Func<T> read)
    {
        _writer.Wait();
        try
        {
            return read();
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        lock (_subscribers)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }
        }
    }

    private void AdoptChildren(Incident outage, DateTimeOffset now)
    {
        List<Incident> children;
        lock (_unresolved)
        {
            children = _unresolved.Values.Where(i => i.Kind == IncidentKind.DeviceOffline && i.Area == outage.Area && i.ParentId is null).ToList();
        }

        foreach (var child in children)
        {
            var note = "part of area outage #" + outage.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Save(child with { ParentId = outage.Id }, [new IncidentEvent(child.Id, now, IncidentLifecycle.System, "grouped", child.State, child.State, note)]);
        }
    }

    private Incident Existing(long id)
    {
        lock (_unresolved)
        {
            var unresolved = _unresolved.Values.FirstOrDefault(i => i.Id == id);
            if (unresolved is not null)
            {
                return unresolved;
            }
        }

        return _store.Find(id) ?? throw new KeyNotFoundException($"No incident {id}.");
    }

    private Incident Save(Incident incident, IReadOnlyList<IncidentEvent> events, IReadOnlyList<Notification>? notifications = null, TimeSpan hold = default)
    {
        _store.Update(incident, events, notifications, hold: hold);
        var result = incident;
        foreach (var e in events)
        {
            result = Publish(incident, e);
        }

        if (events.Count == 0)
        {
            Track(incident);
        }

        return result;
    }

    private Incident Publish(Incident incident, IncidentEvent e)
    {
        Track(incident);
        lock (_subscribers)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(new IncidentChange(incident, e));
            }
        }

        return incident;
    }

    private void Track(Incident incident)
    {
        lock (_unresolved)
        {
            if (incident.State == IncidentState.Resolved)
            {
                _unresolved.Remove((incident.Kind, incident.Subject));
            }
            else
            {
                _unresolved[(incident.Kind, incident.Subject)] = incident;
            }
        }
    }

    private async Task<T> WriteAsync<T>(Func<T> write)
    {
        await _writer.WaitAsync();
        try
        {
            return write();
        }
        finally
        {
            _writer.Release();
        }
    }
}
