using IocCenter.Analytics.Agencies;
using IocCenter.Analytics.Maintenance;

namespace IocCenter.Analytics.Incidents;

// Who owns an incident, who hears of it, and planned work that keeps it quiet: all through the single writer, so an
// assignment, an escalation step or a maintenance window is stored (with its audit line and its notifications)
// before anyone is told.
public sealed partial class IncidentService
{
    private List<MaintenanceWindow> _maintenance;

    public IncidentDispatch? Dispatch => _dispatch;

    /// <summary>
    /// An officer gives an incident to a person (<paramref name="assignee"/>) and/or hands it to another agency
    /// (<paramref name="agency"/>, a code of <see cref="RoutingOptions.Agencies"/>); audited, and the new agency is told.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown agency, or neither given.</exception>
    public async Task<Incident> AssignAsync(long id, string user, string? assignee, string? agency, string? comment) =>
        await WriteAsync(() =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(user);
            assignee = string.IsNullOrWhiteSpace(assignee) ? null : assignee.Trim();
            agency = string.IsNullOrWhiteSpace(agency) ? null : agency.Trim();
            if (assignee is null && agency is null)
            {
                throw new ArgumentException("Chọn người hoặc đơn vị nhận / Choose a person or an agency");
            }

            if (assignee is { Length: > 100 } || (comment?.Length ?? 0) > 1000)
            {
                throw new ArgumentException("Tên người nhận hoặc ghi chú quá dài / The assignee or the comment is too long");
            }

            if ((PlainText.Problem(assignee) ?? PlainText.Problem(comment, lines: true)) is { } problem)
            {
                throw new ArgumentException(problem);
            }

            if (agency is not null && _dispatch is not null && !_dispatch.Agencies.ContainsKey(agency))
            {
                throw new ArgumentException($"Không có đơn vị \"{agency}\" / No agency \"{agency}\"");
            }

            var current = Existing(id);
            if (current.State == IncidentState.Resolved)
            {
                throw new IllegalTransitionException($"Sự cố #{id} đã xử lý xong / Incident {id} is already resolved.");
            }

            var now = _time.GetUtcNow();
            var events = new List<IncidentEvent>();
            var updated = current;
            if (agency is not null && agency != current.Agency)
            {
                updated = updated with { Agency = agency };
                // "Sở A → Sở B: comment / Department A → Department B: comment": the console shows the reader's half.
                var vi = Joined($"{_dispatch?.AgencyName(current.Agency) ?? current.Agency} → {_dispatch?.AgencyName(agency) ?? agency}", comment);
                var en = Joined($"{_dispatch?.AgencyNameEn(current.Agency) ?? current.Agency} → {_dispatch?.AgencyNameEn(agency) ?? agency}", comment);
                events.Add(new IncidentEvent(id, now, user, "handed_over", current.State, current.State, $"{vi} / {en}"));
            }

            if (assignee is not null && assignee != current.Assignee)
            {
                updated = updated with { Assignee = assignee };
                events.Add(new IncidentEvent(id, now, user, "assigned", current.State, current.State, Joined(assignee, comment)));
            }

            if (events.Count == 0)
            {
                return current;
            }

            var told = agency is not null && agency != current.Agency && updated.MaintenanceId is null
                ? _dispatch?.Announce(updated with { AttentionSince = now }, "handed_over")
                : null;
            return Save(updated, events, told);
        });

    private static string Joined(string what, string? comment) => string.IsNullOrWhiteSpace(comment) ? what : $"{what}: {comment}";

    /// <summary>
    /// Takes every escalation step that is due (see <see cref="IncidentDispatch.EscalationStep"/>), once each: a step
    /// decided before a restart is not decided again. Returns how many steps were taken.
    /// </summary>
    public async Task<int> EscalateDueAsync()
    {
        if (_dispatch is null)
        {
            return 0;
        }

        var now = _time.GetUtcNow();
        var taken = 0;
        foreach (var incident in Unresolved())
        {
            var step = _dispatch.EscalationStep(incident, now);
            if (step == 0 || Covering(incident, now) is not null)
            {
                // Also an incident raised before its device went under maintenance: the work on it is under way.
                continue;
            }

            taken += await WriteAsync(() =>
            {
                // Re-read under the writer: an officer may have acknowledged it since.
                Incident? current;
                lock (_unresolved)
                {
                    _unresolved.TryGetValue((incident.Kind, incident.Subject), out current);
                }

                if (current is null || _dispatch.EscalationStep(current, now) != step)
                {
                    return 0;
                }

                var (notifications, comment) = _dispatch.Escalate(current, step);
                var e = new IncidentEvent(current.Id, now, IncidentLifecycle.System, step <= 2 ? "escalation" : "reminder", current.State, current.State, comment);
                if (!_store.Update(current, [e], notifications, IncidentDispatch.EscalationKey(current, step)))
                {
                    return 0;
                }

                Publish(current, e);
                return 1;
            });
        }

        return taken;
    }

    /// <summary>Maintenance windows, newest first.</summary>
    public IReadOnlyList<MaintenanceWindow> MaintenanceWindows()
    {
        lock (_unresolved)
        {
            return [.. _maintenance];
        }
    }

    public IReadOnlyList<MaintenanceEvent> MaintenanceTrail(long id) => Read(() => _store.MaintenanceEvents(id));

    /// <summary>The window covering a device (or an area-level subject) at <paramref name="at"/>, if any.</summary>
    public MaintenanceWindow? Covering(string? deviceId, string? area, string? domain, DateTimeOffset at)
    {
        lock (_unresolved)
        {
            foreach (var window in _maintenance)
            {
                if (MaintenanceSchedule.Matches(window, deviceId, area, domain) && MaintenanceSchedule.Covers(window, at))
                {
                    return window;
                }
            }
        }

        return null;
    }

    private MaintenanceWindow? Covering(Incident incident, DateTimeOffset at) =>
        Covering(incident.DeviceId, incident.Area, _dispatch?.DomainOf(incident), at);

    /// <summary>Sets a window (validated: <see cref="MaintenanceSchedule.Validate"/>); audited.</summary>
    /// <exception cref="ArgumentException">The request is not valid; the message says why, Vietnamese / English.</exception>
    public async Task<MaintenanceWindow> SetMaintenanceAsync(MaintenanceRequest request, string user) =>
        await WriteAsync(() =>
        {
            ArgumentNullException.ThrowIfNull(request);
            ArgumentException.ThrowIfNullOrWhiteSpace(user);
            var now = _time.GetUtcNow();
            if (MaintenanceSchedule.Validate(request, now) is { } error)
            {
                throw new ArgumentException(error);
            }

            var window = request.ToWindow(0, user, now);
            if (_dispatch is not null && !_dispatch.Knows(window.Scope, window.Target))
            {
                // A mistyped id would list "under maintenance" while the real device keeps alarming.
                throw new ArgumentException(window.Scope == MaintenanceScope.Device
                    ? $"Không có thiết bị \"{window.Target}\" (chưa đăng ký và chưa từng gửi số liệu) / No device \"{window.Target}\" (not registered, never heard from)"
                    : $"Không có xã, phường mã \"{window.Target}\" trong tỉnh / No commune or ward \"{window.Target}\" in the province");
            }

            var stored = _store.InsertMaintenance(window);
            lock (_unresolved)
            {
                _maintenance.Insert(0, stored);
            }

            return stored;
        });

    /// <summary>Ends a window now; audited. Its incidents then follow <see cref="EndMaintenanceAsync"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such window.</exception>
    public async Task<MaintenanceWindow> CancelMaintenanceAsync(long id, string user, string? comment) =>
        await WriteAsync(() =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(user);
            if ((comment?.Length ?? 0) > 1000 || PlainText.Problem(comment, lines: true) is not null)
            {
                throw new ArgumentException(PlainText.Problem(comment, lines: true) ?? "Ghi chú quá dài / The comment is too long");
            }
            var now = _time.GetUtcNow();
            _store.CancelMaintenance(id, user, comment, now);
            var reloaded = _store.MaintenanceWindows();
            lock (_unresolved)
            {
                _maintenance = [.. reloaded];
            }

            return reloaded.FirstOrDefault(w => w.Id == id) ?? throw new KeyNotFoundException($"No maintenance window {id}.");
        });

    /// <summary>
    /// Unresolved incidents opened before a window that now covers what they are about: they go under maintenance too
    /// (audited), so they do not escalate, and when the window ends they follow <see cref="EndMaintenanceAsync"/> —
    /// their time counts again from the end, without a burst of reminders for the hours of the work. Returns how many.
    /// </summary>
    public async Task<int> StartMaintenanceAsync()
    {
        var now = _time.GetUtcNow();
        var covered = Unresolved().Where(i => i.MaintenanceId is null && Covering(i, now) is not null).ToList();
        var count = 0;
        foreach (var incident in covered)
        {
            count += await WriteAsync(() =>
            {
                Incident? current;
                lock (_unresolved)
                {
                    _unresolved.TryGetValue((incident.Kind, incident.Subject), out current);
                }

                if (current is null || current.MaintenanceId is not null || Covering(current, now) is not { } window)
                {
                    return 0;
                }

                var e = new IncidentEvent(current.Id, now, IncidentLifecycle.System, "maintenance_started", current.State, current.State,
                    $"vào giờ bảo trì #{window.Id}, tạm không báo ai / maintenance window {window.Id} began: nobody is notified meanwhile");
                Save(current with { MaintenanceId = window.Id }, [e]);
                return 1;
            });
        }

        return count;
    }

    /// <summary>
    /// Incidents raised during a window that has ended: one whose condition is still present now needs its agency
    /// (notified once, escalation counts from now); one whose condition cleared was already resolved. Nothing that
    /// came and went during the work reaches anyone. Returns how many were handed back.
    /// </summary>
    public async Task<int> EndMaintenanceAsync()
    {
        var now = _time.GetUtcNow();
        var ended = Unresolved().Where(i => i.MaintenanceId is not null && Covering(i, now) is null).ToList();
        var count = 0;
        foreach (var incident in ended)
        {
            count += await WriteAsync(() =>
            {
                Incident? current;
                lock (_unresolved)
                {
                    _unresolved.TryGetValue((incident.Kind, incident.Subject), out current);
                }

                if (current?.MaintenanceId is not { } window || Covering(current, now) is not null)
                {
                    return 0;
                }

                var back = current with { MaintenanceId = null, AttentionSince = now };
                var e = new IncidentEvent(current.Id, now, IncidentLifecycle.System, "maintenance_ended", current.State, current.State,
                    $"hết giờ bảo trì #{window}, sự cố vẫn còn / maintenance window {window} ended and the problem is still there");
                var told = current.State == IncidentState.Open && current.Active ? _dispatch?.Announce(back, "maintenance_ended") : null;
                Save(back, [e], told);
                return 1;
            });
        }

        return count;
    }

    Task<IReadOnlyList<AgencyInfo>> IIncidents.AgenciesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AgencyInfo>>(_dispatch is null ? [] : [.. _dispatch.Agencies.Select(a => new AgencyInfo(a.Key, a.Value.Name, a.Value.NameEn)).OrderBy(a => a.Name, StringComparer.Ordinal)]);

    IReadOnlyList<MaintenanceWindow> IIncidents.Maintenance() => MaintenanceWindows();

    Task<NotificationStatus> IIncidents.NotificationStatusAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new NotificationStatus(_dispatch?.Channels ?? [], ChannelStatuses(), RecentNotifications(100)));

    /// <summary>Notifications due now (for the sender).</summary>
    public IReadOnlyList<OutboxEntry> DueNotifications(int limit) => Read(() => _store.DueNotifications(_time.GetUtcNow(), limit));

    public IReadOnlyList<OutboxEntry> RecentNotifications(int limit) => Read(() => _store.RecentNotifications(limit));

    public IReadOnlyList<OutboxEntry> NotificationsOf(long incidentId) => Read(() => _store.NotificationsOf(incidentId));

    public IReadOnlyList<ChannelStatus> ChannelStatuses() => Read(_store.ChannelStatuses);

    /// <summary>Forgets what was sent or given up on longer ago than <paramref name="keep"/>.</summary>
    public int PruneNotifications(TimeSpan keep) => Read(() => _store.PruneNotifications(_time.GetUtcNow() - keep));

    public void MarkSkipped(long outboxId, string reason) => Read(() =>
    {
        _store.MarkSkipped(outboxId, reason, _time.GetUtcNow());
        return 0;
    });

    public void MarkSent(long outboxId) => Read(() =>
    {
        _store.MarkSent(outboxId, _time.GetUtcNow());
        return 0;
    });

    public void MarkFailed(long outboxId, string error, DateTimeOffset next, bool giveUp) => Read(() =>
    {
        _store.MarkFailed(outboxId, error, next, giveUp, _time.GetUtcNow());
        return 0;
    });
}
