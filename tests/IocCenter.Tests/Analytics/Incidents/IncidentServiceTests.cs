using IocCenter.Analytics.Incidents;
using IocCenter.Tests.Ingest;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace IocCenter.Tests.Analytics.Incidents;

public sealed class IncidentServiceTests : IDisposable
{
    private static readonly Evidence Jam = new("rule.congestion", 0.9, "avg_speed_kmh", 8, 45, Detail: "speed 8 km/h, occupancy 71 %");

    private readonly TestDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-22T07:30:00+07:00", System.Globalization.CultureInfo.InvariantCulture));
    private readonly List<IDisposable> _open = [];

    private string DatabasePath => Path.Combine(_dir.Path, "incidents.db");

    public void Dispose()
    {
        foreach (var d in _open)
        {
            d.Dispose();
        }

        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private IncidentService Start()
    {
        var store = new IncidentStore(DatabasePath);
        var service = new IncidentService(store, _time, reopenWithin: TimeSpan.FromMinutes(30));
        _open.Add(service);
        _open.Add(store);
        return service;
    }

    [Fact]
    public async Task Raise_Repeatedly_UpdatesOneIncidentAndEscalates()
    {
        var service = Start();
        var first = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "29905", Severity.Minor, Jam);
        _time.Advance(TimeSpan.FromMinutes(1));
        var again = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "29905", Severity.Major, Jam);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(Severity.Major, again.Severity);
        Assert.Single(service.Unresolved());
        Assert.Equal(["opened", "escalated"], service.AuditTrail(first.Id).Select(e => e.Action));
    }

    [Fact]
    public async Task Clear_Unacknowledged_StaysVisibleUntilAcknowledged()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.AirQuality, "aq-1", "29869", Severity.Major, Jam);
        var cleared = await service.ClearAsync(IncidentKind.AirQuality, "aq-1", "29869");

        Assert.Equal(IncidentState.Open, cleared!.State);
        Assert.False(cleared.Active);
        Assert.Single(service.Unresolved());

        var acknowledged = await service.AcknowledgeAsync(incident.Id, "can-bo-truc", "đã kiểm tra");

        Assert.Equal(IncidentState.Resolved, acknowledged.State);
        Assert.Empty(service.Unresolved());
        Assert.Equal(["opened", "cleared", "acknowledged", "auto_resolved"], service.AuditTrail(incident.Id).Select(e => e.Action));
        Assert.Equal("đã kiểm tra", service.AuditTrail(incident.Id)[2].Comment);
    }

    [Fact]
    public async Task Clear_Acknowledged_ResolvesIt()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.ConnectivityDegraded, "ap-1", "30169", Severity.Minor, Jam);
        await service.AcknowledgeAsync(incident.Id, "officer", null);

        var cleared = await service.ClearAsync(IncidentKind.ConnectivityDegraded, "ap-1", "30169");

        Assert.Equal(IncidentState.Resolved, cleared!.State);
        Assert.Equal(IncidentLifecycle.System, cleared.ResolvedBy);
    }

    [Fact]
    public async Task Raise_WithinTheCoolDown_ReopensInsteadOfDuplicating()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "29905", Severity.Minor, Jam);
        await service.ResolveAsync(incident.Id, "officer", "xe hỏng đã được kéo đi");
        _time.Advance(TimeSpan.FromMinutes(10));

        var reopened = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "29905", Severity.Minor, Jam);

        Assert.Equal(incident.Id, reopened.Id);
        Assert.Equal(1, reopened.ReopenCount);
        Assert.Equal(IncidentState.Open, reopened.State);

        await service.ResolveAsync(incident.Id, "officer", null);
        _time.Advance(TimeSpan.FromMinutes(31));
        var fresh = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "29905", Severity.Minor, Jam);

        Assert.NotEqual(incident.Id, fresh.Id);
    }

    [Fact]
    public async Task IllegalTransitions_AreRefused()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.SensorFault, "aq-2", "29905", Severity.Warning, Jam);
        await service.AcknowledgeAsync(incident.Id, "officer", null);

        await Assert.ThrowsAsync<IllegalTransitionException>(() => service.AcknowledgeAsync(incident.Id, "officer", null));
        await service.ResolveAsync(incident.Id, "officer", null);
        await Assert.ThrowsAsync<IllegalTransitionException>(() => service.ResolveAsync(incident.Id, "officer", null));
        await Assert.ThrowsAsync<IllegalTransitionException>(() => service.AcknowledgeAsync(incident.Id, "officer", null));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => service.AcknowledgeAsync(999, "officer", null));
    }

    [Fact]
    public async Task Restart_BringsBackOpenIncidentsAcknowledgementsAndTheAuditTrail()
    {
        long acknowledgedId, openId;
        {
            var service = Start();
            acknowledgedId = (await service.RaiseAsync(IncidentKind.DeviceOffline, "trf-9", "29955", Severity.Major, Jam)).Id;
            openId = (await service.RaiseAsync(IncidentKind.AirQuality, null, "29905", Severity.Critical, Jam)).Id;
            await service.AcknowledgeAsync(acknowledgedId, "officer-a", "đang cử người");
        }

        foreach (var d in _open)
        {
            d.Dispose();
        }

        _open.Clear();

        var restarted = Start();
        var unresolved = restarted.Unresolved();

        Assert.Equal([openId, acknowledgedId], unresolved.Select(i => i.Id));
        var acknowledged = unresolved.Single(i => i.Id == acknowledgedId);
        Assert.Equal((IncidentState.Acknowledged, "officer-a"), (acknowledged.State, acknowledged.AcknowledgedBy));
        Assert.Equal("area:29905", unresolved[0].Subject);
        Assert.Equal(["opened", "acknowledged"], restarted.AuditTrail(acknowledgedId).Select(e => e.Action));
        Assert.Equal(Jam, acknowledged.Evidence);
    }

    [Fact]
    public async Task Changes_AreAnnouncedAfterTheyAreStored()
    {
        var service = Start();
        var changes = service.Subscribe();
        var incident = await service.RaiseAsync(IncidentKind.Anomaly, "net-3", "30010", Severity.Warning, Jam);
        await service.AcknowledgeAsync(incident.Id, "officer", null);

        Assert.True(changes.TryRead(out var opened));
        Assert.True(changes.TryRead(out var acknowledged));
        Assert.Equal(("opened", "acknowledged"), (opened.Event.Action, acknowledged.Event.Action));
        Assert.Equal(IncidentState.Acknowledged, acknowledged.Incident.State);
    }

    [Fact]
    public async Task AuditTrail_CannotBeEditedOrDeleted()
    {
        var service = Start();
        await service.RaiseAsync(IncidentKind.Anomaly, "net-3", "30010", Severity.Warning, Jam);

        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE incident_events SET actor = 'someone else'";
        Assert.Contains("append-only", Assert.Throws<SqliteException>(() => update.ExecuteNonQuery()).Message, StringComparison.Ordinal);
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM incident_events";
        Assert.Throws<SqliteException>(() => delete.ExecuteNonQuery());
    }

    [Fact]
    public async Task Store_RefusesASecondUnresolvedIncidentForOneSubject()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "29905", Severity.Minor, Jam);

        using var store = new IncidentStore(DatabasePath);
        Assert.Throws<SqliteException>(() => store.Insert(incident with { Id = 0 }, id => new IncidentEvent(id, _time.GetUtcNow(), "test", "opened", null, IncidentState.Open, null)));
    }

    [Fact]
    public async Task AreaOutage_GroupsTheAreasOfflineDevicesAsItsChildren()
    {
        var service = Start();
        var before = await service.RaiseAsync(IncidentKind.DeviceOffline, "net-1", "30010", Severity.Major, Jam);
        var elsewhere = await service.RaiseAsync(IncidentKind.DeviceOffline, "net-9", "30169", Severity.Major, Jam);

        var outage = await service.RaiseAsync(IncidentKind.AreaOutage, null, "30010", Severity.Critical, Jam);
        var after = await service.RaiseAsync(IncidentKind.DeviceOffline, "net-2", "30010", Severity.Major, Jam);

        var unresolved = service.Unresolved().ToDictionary(i => i.Id);
        Assert.Equal(outage.Id, unresolved[before.Id].ParentId);
        Assert.Equal(outage.Id, unresolved[after.Id].ParentId);
        Assert.Null(unresolved[elsewhere.Id].ParentId);
        Assert.Equal(["opened", "grouped"], service.AuditTrail(before.Id).Select(e => e.Action));
    }

    [Fact]
    public async Task Resolve_ADeviceOfflineIncidentWhileTheDeviceIsStillOffline_OpensANewOneSayingSo_AndItsReturnClearsThatOne()
    {
        var service = Start();
        var offline = new Evidence("status", 1, Detail: "thiết bị báo mất kết nối / device reported offline");
        var first = await service.RaiseAsync(IncidentKind.DeviceOffline, "cnn-1", "29905", Severity.Major, offline);
        var changes = service.Subscribe();

        var resolved = await service.ResolveAsync(first.Id, "truc.ban", "đã báo kỹ thuật");

        Assert.Equal(IncidentState.Resolved, resolved.State);
        var open = Assert.Single(service.Unresolved());
        Assert.NotEqual(first.Id, open.Id);
        Assert.Equal((IncidentKind.DeviceOffline, "cnn-1", IncidentState.Open, true), (open.Kind, open.DeviceId, open.State, open.Active));
        Assert.Contains($"#{first.Id}", open.Evidence.Detail, StringComparison.Ordinal);
        Assert.True(changes.TryRead(out var r) && r.Incident.Id == first.Id && r.Incident.State == IncidentState.Resolved);
        Assert.True(changes.TryRead(out var o) && o.Incident.Id == open.Id && o.Event.Action == "opened"); // every screen is told

        await service.ClearAsync(IncidentKind.DeviceOffline, "cnn-1", "29905");
        Assert.False(Assert.Single(service.Unresolved()).Active);
    }

    [Fact]
    public async Task Resolve_AnIncidentWhoseConditionCleared_OrAnotherKind_OpensNothing()
    {
        var service = Start();
        var offline = await service.RaiseAsync(IncidentKind.DeviceOffline, "cnn-1", "29905", Severity.Major, new Evidence("status", 1));
        await service.ClearAsync(IncidentKind.DeviceOffline, "cnn-1", "29905");
        var jam = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "29905", Severity.Major, Jam);

        await service.ResolveAsync(offline.Id, "truc.ban", null);
        await service.ResolveAsync(jam.Id, "truc.ban", null);

        Assert.Empty(service.Unresolved());
    }

    [Fact]
    public async Task ResolveRemovedDevice_ResolvesItsIncidentsAsTheAdmin_AndOpensNoneAgain()
    {
        var service = Start();
        await service.RaiseAsync(IncidentKind.DeviceOffline, "fake-1", null, Severity.Major, new Evidence("status", 1));
        await service.RaiseAsync(IncidentKind.DeviceOffline, "cnn-2", null, Severity.Major, new Evidence("status", 1));

        Assert.Equal(1, await service.ResolveRemovedDeviceAsync("fake-1", "admin"));

        Assert.Equal("cnn-2", Assert.Single(service.Unresolved()).DeviceId);
        var resolved = service.Recent(10).Single(i => i.DeviceId == "fake-1");
        Assert.Equal(("admin", false), (resolved.ResolvedBy, resolved.Active));
        Assert.Contains("device removed", service.AuditTrail(resolved.Id)[^1].Comment, StringComparison.Ordinal);
    }
}
