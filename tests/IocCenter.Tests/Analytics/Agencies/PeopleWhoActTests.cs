using System.Globalization;
using IocCenter.Analytics.Agencies;
using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Maintenance;
using IocCenter.Tests.Ingest;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace IocCenter.Tests.Analytics.Agencies;

/// <summary>Routing, notifications decided in the outbox, escalation and maintenance, through the real incident store on a fake clock.</summary>
public sealed class PeopleWhoActTests : IDisposable
{
    private static readonly Evidence Jam = new("rule.congestion", 0.9, "avg_speed_kmh", 8, 45, Detail: "tốc độ 8 km/h / speed 8 km/h");
    private static readonly Evidence Offline = new("rule.silence", 1, Detail: "không gửi số liệu 5 phút / silent for 5 min");

    private readonly TestDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T22:30:00+07:00", CultureInfo.InvariantCulture));
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

    private static RoutingOptions Routing()
    {
        var routing = new RoutingOptions();
        routing.Agencies[RoutingOptions.Construction].Notify.Add("email:truc@soxd.dongthap.gov.vn");
        routing.Agencies[RoutingOptions.Construction].Leaders.Add("telegram:-1001");
        routing.Agencies[RoutingOptions.AgricultureEnvironment].Notify.Add("webhook:zalo");
        routing.Rules.Add(new RoutingRule { Areas = ["29905"], MinSeverity = "critical", Agency = RoutingOptions.OperationsCenter, Notify = ["email:giamdoc@ioc.gov.vn"] });
        return routing;
    }

    private IncidentService Start(RoutingOptions? routing = null)
    {
        var escalation = new EscalationOptions { ShiftLeader = ["telegram:42"], RemindEveryMinutes = 30 };
        var names = new IncidentNames(
            id => id.StartsWith("env", StringComparison.Ordinal) ? "environment" : id.StartsWith("trf", StringComparison.Ordinal) ? "traffic" : null,
            code => code == "29905" ? "Phường Sa Đéc" : null,
            id => id == "trf-1" ? "Ngã tư Sa Đéc" : null);
        var dispatch = new IncidentDispatch(routing ?? Routing(), escalation, names, "https://ioc.dongthap.gov.vn/");
        var store = new IncidentStore(DatabasePath);
        var service = new IncidentService(store, _time, TimeSpan.FromMinutes(30), dispatch);
        _open.Add(service);
        _open.Add(store);
        return service;
    }

    /// <summary>The process ends and starts again on the same database.</summary>
    private IncidentService Restart()
    {
        foreach (var d in _open)
        {
            d.Dispose();
        }

        _open.Clear();
        return Start();
    }

    [Theory]
    [InlineData(IncidentKind.Congestion, "trf-9", "30001", RoutingOptions.Construction)]
    [InlineData(IncidentKind.AirQuality, "env-1", "30001", RoutingOptions.AgricultureEnvironment)]
    [InlineData(IncidentKind.ConnectivityDegraded, "net-1", "30001", RoutingOptions.ScienceTechnology)]
    [InlineData(IncidentKind.DeviceOffline, "env-2", "30001", RoutingOptions.AgricultureEnvironment)]
    [InlineData(IncidentKind.SensorFault, "trf-3", "30001", RoutingOptions.Construction)]
    [InlineData(IncidentKind.DeviceOffline, "unknown-1", "30001", RoutingOptions.OperationsCenter)]
    public async Task Raise_ByDomain_GoesToThe2025Department(IncidentKind kind, string device, string area, string agency)
    {
        var service = Start();
        var incident = await service.RaiseAsync(kind, device, area, Severity.Major, Jam);
        Assert.Equal(agency, incident.Agency);
        Assert.Equal(agency, service.Find(incident.Id)!.Agency);
    }

    [Fact]
    public async Task Raise_AreaOutage_GoesToScienceAndTechnology()
    {
        var service = Start();
        var outage = await service.RaiseAsync(IncidentKind.AreaOutage, null, "30001", Severity.Critical, Offline);
        Assert.Equal(RoutingOptions.ScienceTechnology, outage.Agency);
    }

    [Fact]
    public async Task Raise_ConfiguredRuleMatches_WinsOverTheBuiltInOnes()
    {
        var service = Start();
        var major = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "29905", Severity.Major, Jam);
        var critical = await service.RaiseAsync(IncidentKind.Congestion, "trf-2", "29905", Severity.Critical, Jam);
        Assert.Equal(RoutingOptions.Construction, major.Agency);
        Assert.Equal(RoutingOptions.OperationsCenter, critical.Agency);
        Assert.Contains(service.NotificationsOf(critical.Id), n => n.Notification.Recipient == "giamdoc@ioc.gov.vn");
    }

    [Fact]
    public async Task Raise_New_DecidesOneMessagePerRecipientInVietnameseFirst()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "29905", Severity.Major, Jam);
        _time.Advance(TimeSpan.FromSeconds(30));
        await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "29905", Severity.Major, Jam);

        var sent = Assert.Single(service.NotificationsOf(incident.Id));
        var n = sent.Notification;
        Assert.Equal(("email", "truc@soxd.dongthap.gov.vn", "opened"), (n.Channel, n.Recipient, n.Event));
        Assert.Equal("https://ioc.dongthap.gov.vn/console?incident=" + incident.Id.ToString(CultureInfo.InvariantCulture), n.Link);
        Assert.StartsWith("[Cao] Ùn tắc giao thông — Phường Sa Đéc — Ngã tư Sa Đéc", n.Title, StringComparison.Ordinal);
        Assert.StartsWith("Sự cố mới: sự cố #", n.Text, StringComparison.Ordinal);
        Assert.Contains("Từ lúc: 22:30 02/12/2026 (giờ Việt Nam)", n.Text, StringComparison.Ordinal);
        Assert.Contains("Đơn vị phụ trách: Sở Xây dựng", n.Text, StringComparison.Ordinal);
        Assert.Contains("Chi tiết: tốc độ 8 km/h", n.Text, StringComparison.Ordinal);
        Assert.True(n.Text.IndexOf("New incident", StringComparison.Ordinal) > n.Text.IndexOf("Xem và tiếp nhận", StringComparison.Ordinal));
        Assert.Equal("Phường Sa Đéc", n.Facts.AreaName);
    }

    [Fact]
    public async Task Raise_Worse_TheAgencyHearsOfItOncePerSeverityReached()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Minor, Jam);
        _time.Advance(TimeSpan.FromMinutes(3));
        await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);
        await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);

        var told = service.NotificationsOf(incident.Id).Select(n => n.Notification).ToList();
        Assert.Equal(["opened", "severity_critical"], told.Select(n => n.Event));
        Assert.StartsWith("[Tăng mức độ] [Nghiêm trọng]", told[1].Title, StringComparison.Ordinal);
        Assert.StartsWith("Sự cố nặng thêm, nay ở mức Nghiêm trọng", told[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outbox_AfterRestart_StillHoldsWhatWasDecided()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Major, Jam);
        var again = Restart();
        var due = Assert.Single(again.DueNotifications(10));
        Assert.Equal(incident.Id, due.Notification.IncidentId);
        again.MarkSent(due.Id);
        Assert.Empty(again.DueNotifications(10));
        Assert.NotNull(Assert.Single(again.NotificationsOf(incident.Id)).SentAt);
    }

    [Fact]
    public async Task Prune_SentLongAgo_ForgottenWaitingKept()
    {
        var service = Start();
        var sent = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Major, Jam);
        service.MarkSent(Assert.Single(service.DueNotifications(10)).Id);
        _time.Advance(TimeSpan.FromDays(100));
        var waiting = await service.RaiseAsync(IncidentKind.Congestion, "trf-2", "30001", Severity.Major, Jam);

        Assert.Equal(1, service.PruneNotifications(TimeSpan.FromDays(90)));
        Assert.Empty(service.NotificationsOf(sent.Id));
        Assert.Single(service.NotificationsOf(waiting.Id));
    }

    [Fact]
    public async Task Escalate_Unacknowledged_ShiftLeaderThenLeadersThenRemindersOnceEach()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);

        _time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));
        Assert.Equal(0, await service.EscalateDueAsync());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await service.EscalateDueAsync());
        Assert.Equal(0, await service.EscalateDueAsync());
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await service.EscalateDueAsync());
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, await service.EscalateDueAsync());

        var trail = service.AuditTrail(incident.Id);
        Assert.Equal(["opened", "escalation", "escalation", "reminder"], trail.Select(e => e.Action));
        Assert.StartsWith("Báo trưởng ca (chưa ai tiếp nhận sau 5 phút) → telegram:42", trail[1].Comment, StringComparison.Ordinal);
        Assert.StartsWith("Báo lãnh đạo Sở Xây dựng (chưa ai tiếp nhận sau 10 phút) → telegram:42, telegram:-1001", trail[2].Comment, StringComparison.Ordinal);
        var recipients = service.NotificationsOf(incident.Id).Select(n => (n.Notification.Event, n.Notification.Recipient)).ToList();
        Assert.Equal(
            [("opened", "truc@soxd.dongthap.gov.vn"), ("escalation", "42"), ("escalation", "42"), ("escalation", "-1001"), ("escalation", "42"), ("escalation", "-1001")],
            recipients);
        var titles = service.NotificationsOf(incident.Id).Select(n => n.Notification.Title).ToList();
        Assert.StartsWith("[Nghiêm trọng]", titles[0], StringComparison.Ordinal);
        Assert.StartsWith("[Báo trưởng ca] [Nghiêm trọng]", titles[1], StringComparison.Ordinal);
        Assert.StartsWith("[Báo lãnh đạo] [Nghiêm trọng]", titles[2], StringComparison.Ordinal);
        Assert.StartsWith("[Nhắc lần 1] [Nghiêm trọng]", titles[4], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escalate_ClockDownThroughTheFirstStep_TheShiftLeaderIsStillTold()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);
        _time.Advance(TimeSpan.FromMinutes(12)); // the host was down from minute 4 to minute 12
        Assert.Equal(1, await service.EscalateDueAsync());
        Assert.Contains(service.NotificationsOf(incident.Id), n => n.Notification is { Event: "escalation", Recipient: "42" });
        Assert.Contains(service.NotificationsOf(incident.Id), n => n.Notification is { Event: "escalation", Recipient: "-1001" });
    }

    [Fact]
    public async Task AreaOutage_ItsDevicesOffline_NeitherNotifyNorEscalate_TheOutageDoes()
    {
        var service = Start();
        var outage = await service.RaiseAsync(IncidentKind.AreaOutage, null, "30001", Severity.Critical, Offline);
        var devices = new List<Incident>();
        for (var i = 0; i < 5; i++)
        {
            devices.Add(await service.RaiseAsync(IncidentKind.DeviceOffline, $"trf-{i}", "30001", Severity.Major, Offline));
        }

        Assert.All(devices, d => Assert.Equal(outage.Id, d.ParentId));
        Assert.All(devices, d => Assert.Empty(service.NotificationsOf(d.Id)));
        _time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(1, await service.EscalateDueAsync());
        Assert.Contains(service.AuditTrail(outage.Id), e => e.Action == "escalation");
    }

    [Fact]
    public async Task Escalate_AfterAcknowledge_Stops()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await service.EscalateDueAsync());
        await service.AcknowledgeAsync(incident.Id, "can-bo-truc", "đã gọi CSGT");
        _time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(0, await service.EscalateDueAsync());
        Assert.Equal(2, service.NotificationsOf(incident.Id).Count);
    }

    [Fact]
    public async Task Escalate_AcrossARestart_TakesAStepOnlyOnce()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await service.EscalateDueAsync());
        var again = Restart();
        Assert.Equal(0, await again.EscalateDueAsync());
        Assert.Single(again.AuditTrail(incident.Id), e => e.Action == "escalation");
    }

    [Fact]
    public async Task Escalate_MinorBySeverityDefault_Never()
    {
        var service = Start();
        await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Minor, Jam);
        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await service.EscalateDueAsync());
    }

    [Fact]
    public async Task Assign_PersonAndAgency_AuditedAndTheNewAgencyIsTold()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Major, Jam);
        var handed = await service.AssignAsync(incident.Id, "truong-ca", "Nguyễn Văn An", RoutingOptions.AgricultureEnvironment, "ngập nước, không phải ùn tắc");

        Assert.Equal(("Nguyễn Văn An", RoutingOptions.AgricultureEnvironment), (handed.Assignee, handed.Agency));
        var trail = service.AuditTrail(incident.Id);
        Assert.Contains(trail, e => e is { Action: "handed_over", Actor: "truong-ca", Comment: "Sở Xây dựng → Sở Nông nghiệp và Môi trường: ngập nước, không phải ùn tắc / Department of Construction → Department of Agriculture and Environment: ngập nước, không phải ùn tắc" });
        Assert.Contains(trail, e => e is { Action: "assigned", Comment: "Nguyễn Văn An: ngập nước, không phải ùn tắc" });
        Assert.Contains(service.NotificationsOf(incident.Id), n => n.Notification is { Channel: "webhook", Recipient: "zalo", Event: "handed_over" });
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(null, "so-khong-co")]
    [InlineData("   ", "")]
    public async Task Assign_Invalid_RefusedWithAReason(string? assignee, string? agency)
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Major, Jam);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => service.AssignAsync(incident.Id, "truong-ca", assignee, agency, null));
        Assert.Contains(" / ", e.Message, StringComparison.Ordinal);
    }

    private static MaintenanceRequest Device(string device, DateTimeOffset from, DateTimeOffset to) =>
        new("device", device, from, to, null, null, "thay cảm biến");

    [Fact]
    public async Task Maintenance_RaisedDuringIt_NotifiesNobodyAndDoesNotEscalate()
    {
        var service = Start();
        var now = _time.GetUtcNow();
        var window = await service.SetMaintenanceAsync(Device("trf-1", now, now.AddHours(2)), "can-bo-truc");
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);

        Assert.Equal(window.Id, incident.MaintenanceId);
        Assert.Empty(service.NotificationsOf(incident.Id));

        // Flapping during the work (cleared, so resolved; back within the cool-down, so reopened): still nobody.
        await service.ClearAsync(IncidentKind.Congestion, "trf-1", "30001");
        _time.Advance(TimeSpan.FromMinutes(1));
        var reopened = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);
        Assert.Equal(incident.Id, reopened.Id);
        Assert.Equal(window.Id, reopened.MaintenanceId);
        Assert.Empty(service.NotificationsOf(incident.Id));
        Assert.Contains("bảo trì", service.AuditTrail(incident.Id)[0].Comment, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, await service.EscalateDueAsync());
        Assert.Empty(service.NotificationsOf(incident.Id));
    }

    [Fact]
    public async Task Maintenance_SetAfterTheIncidentOpened_HoldsItsEscalation()
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);
        _time.Advance(TimeSpan.FromMinutes(2));
        var now = _time.GetUtcNow();
        await service.SetMaintenanceAsync(Device("trf-1", now, now.AddHours(1)), "can-bo-truc");
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, await service.StartMaintenanceAsync());
        Assert.Equal(0, await service.EscalateDueAsync());
        Assert.Single(service.NotificationsOf(incident.Id));

        // At the end: told once that it is still there, and escalation counts from the end, not from 22:30.
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, await service.EndMaintenanceAsync());
        Assert.Equal(0, await service.EscalateDueAsync());
        Assert.Equal(["opened", "maintenance_ended"], service.NotificationsOf(incident.Id).Select(n => n.Notification.Event));
        Assert.Contains(service.AuditTrail(incident.Id), e => e.Action == "maintenance_started");
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await service.EscalateDueAsync());
    }

    [Fact]
    public async Task Maintenance_ClearedDuringIt_ResolvedWithoutAnyone()
    {
        var service = Start();
        var now = _time.GetUtcNow();
        await service.SetMaintenanceAsync(Device("trf-1", now, now.AddHours(2)), "can-bo-truc");
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);
        _time.Advance(TimeSpan.FromMinutes(10));
        await service.ClearAsync(IncidentKind.Congestion, "trf-1", "30001");

        Assert.Equal(IncidentState.Resolved, service.Find(incident.Id)!.State);
        Assert.Empty(service.Unresolved());
        _time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(0, await service.EndMaintenanceAsync());
        Assert.Empty(service.NotificationsOf(incident.Id));
    }

    [Fact]
    public async Task Maintenance_EndsWithTheProblemStillThere_AgencyToldOnceAndEscalationCountsFromTheEnd()
    {
        var service = Start();
        var now = _time.GetUtcNow();
        await service.SetMaintenanceAsync(Device("trf-1", now, now.AddHours(1)), "can-bo-truc");
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, await service.EndMaintenanceAsync());
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await service.EndMaintenanceAsync());
        Assert.Equal(0, await service.EndMaintenanceAsync());
        Assert.Equal(0, await service.EscalateDueAsync());

        var n = Assert.Single(service.NotificationsOf(incident.Id));
        Assert.Equal("maintenance_ended", n.Notification.Event);
        Assert.StartsWith("Hết giờ bảo trì nhưng sự cố vẫn còn", n.Notification.Text, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await service.EscalateDueAsync());
    }

    [Fact]
    public async Task Maintenance_RecurringNightlyDomain_CoversAcrossMidnightOnly()
    {
        var service = Start();
        // Every night 23:00–01:00 Vietnam time, for the whole traffic domain; now is 22:30 (+07:00).
        var request = new MaintenanceRequest("domain", "traffic", _time.GetUtcNow(), null, "0 23 * * *", 120, "bảo dưỡng định kỳ hệ thống đèn");
        await service.SetMaintenanceAsync(request, "truong-ca");

        var before = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Major, Jam);
        Assert.Null(before.MaintenanceId);
        _time.Advance(TimeSpan.FromHours(2)); // 00:30 the next day
        var during = await service.RaiseAsync(IncidentKind.SensorFault, "trf-2", "30001", Severity.Major, Jam);
        var otherDomain = await service.RaiseAsync(IncidentKind.AirQuality, "env-1", "30001", Severity.Major, Jam);
        Assert.NotNull(during.MaintenanceId);
        Assert.Null(otherDomain.MaintenanceId);
        _time.Advance(TimeSpan.FromMinutes(31)); // 01:01
        var after = await service.RaiseAsync(IncidentKind.SensorFault, "trf-3", "30001", Severity.Major, Jam);
        Assert.Null(after.MaintenanceId);
    }

    [Theory]
    [InlineData("device", "khong-ton-tai", "thay cảm biến")]
    [InlineData("area", "99999", "thay cảm biến")]
    [InlineData("device", "trf-1", "thay\u202E cảm biến")]
    [InlineData("device", "trf-1", "dòng 1\ndòng 2")]
    public async Task Maintenance_UnknownTargetOrHostileReason_Refused(string scope, string target, string reason)
    {
        var service = Start();
        var now = _time.GetUtcNow();
        reason = System.Text.RegularExpressions.Regex.Unescape(reason);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => service.SetMaintenanceAsync(new MaintenanceRequest(scope, target, now, now.AddHours(1), null, null, reason), "can-bo-truc"));
        Assert.Contains(" / ", e.Message, StringComparison.Ordinal);
        Assert.Empty(service.MaintenanceWindows());
    }

    [Theory]
    [InlineData("Nguyễn\u0000Văn", null)]
    [InlineData("Nguyễn\u202EVăn", null)]
    [InlineData("Nguyễn Văn", "ghi chú \u2066ẩn")]
    public async Task Assign_ControlOrDirectionCharacters_Refused(string assignee, string? comment)
    {
        var service = Start();
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Major, Jam);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => service.AssignAsync(incident.Id, "truong-ca", System.Text.RegularExpressions.Regex.Unescape(assignee), null, comment is null ? null : System.Text.RegularExpressions.Regex.Unescape(comment)));
        Assert.Contains(" / ", e.Message, StringComparison.Ordinal);
        Assert.Null(service.Find(incident.Id)!.Assignee);
    }

    [Fact]
    public async Task Maintenance_Cancelled_StopsCoveringAndIsAudited()
    {
        var service = Start();
        var now = _time.GetUtcNow();
        var window = await service.SetMaintenanceAsync(Device("trf-1", now, now.AddHours(2)), "can-bo-truc");
        _time.Advance(TimeSpan.FromMinutes(10));
        await service.CancelMaintenanceAsync(window.Id, "truong-ca", "xong sớm");
        var incident = await service.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);

        Assert.Null(incident.MaintenanceId);
        Assert.Equal(["set", "cancelled"], service.MaintenanceTrail(window.Id).Select(e => e.Action));
        Assert.Equal("truong-ca", service.MaintenanceWindows().Single().CancelledBy);
    }

    [Fact]
    public async Task Maintenance_Invalid_RefusedWithASentence()
    {
        var service = Start();
        var now = _time.GetUtcNow();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => service.SetMaintenanceAsync(Device("trf-1", now, now.AddHours(-1)), "can-bo-truc"));
        Assert.Contains(" / ", e.Message, StringComparison.Ordinal);
        Assert.Empty(service.MaintenanceWindows());
    }

    [Fact]
    public async Task Maintenance_AfterRestart_StillCovers()
    {
        var service = Start();
        var now = _time.GetUtcNow();
        await service.SetMaintenanceAsync(Device("trf-1", now, now.AddHours(2)), "can-bo-truc");
        var again = Restart();
        var incident = await again.RaiseAsync(IncidentKind.Congestion, "trf-1", "30001", Severity.Critical, Jam);
        Assert.NotNull(incident.MaintenanceId);
    }
}
