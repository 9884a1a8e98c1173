using System.Globalization;
using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Notifications;

namespace IocCenter.Analytics.Agencies;

/// <summary>Names of what an incident is about, for messages (null: show the code).</summary>
public sealed record IncidentNames(Func<string, string?> DomainOfDevice, Func<string, string?> AreaName, Func<string, string?> DeviceName)
{
    public static IncidentNames None { get; } = new(_ => null, _ => null, _ => null);
}

/// <summary>
/// Decides, for the incident writer, who owns an incident and who must hear of it: routing rules to an agency,
/// the notifications of an incident that opened or was handed over, and the escalation step an unacknowledged
/// incident has reached. Pure: the writer stores what it decides, in the same transaction as the change.
/// </summary>
public sealed class IncidentDispatch
{
    private static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    private readonly RoutingOptions _routing;
    private readonly EscalationOptions _escalation;
    private readonly IncidentNames _names;
    private readonly string _consoleUrl;
    private readonly IReadOnlyList<RoutingRule> _rules;

    /// <param name="baseUrl">Where officers open IocCenter (links in messages), e.g. <c>https://ioc.dongthap.gov.vn</c>.</param>
    /// <param name="channels">The channels configured here, for the admin page.</param>
    /// <param name="holdNew">How long the message of a new or reopened incident waits before it is sent (see <see cref="Notifications.NotificationOptions.HoldNewFor"/>).</param>
    public IncidentDispatch(RoutingOptions routing, EscalationOptions escalation, IncidentNames names, string baseUrl, IReadOnlyList<string>? channels = null, TimeSpan holdNew = default)
    {
        Channels = channels ?? [];
        HoldNew = holdNew;
        ArgumentNullException.ThrowIfNull(routing);
        ArgumentNullException.ThrowIfNull(escalation);
        ArgumentNullException.ThrowIfNull(names);
        _routing = routing;
        _escalation = escalation;
        _names = names;
        _consoleUrl = baseUrl.TrimEnd('/') + "/console?incident=";
        _rules = [.. routing.Rules, .. RoutingOptions.BuiltInRules];
    }

    public IReadOnlyDictionary<string, Agency> Agencies => _routing.Agencies;

    public IReadOnlyList<string> Channels { get; }

    public TimeSpan HoldNew { get; }

    /// <summary>A device the registry lists or whose readings have come; an area of the province pack.</summary>
    public bool Knows(Maintenance.MaintenanceScope scope, string target) => scope switch
    {
        Maintenance.MaintenanceScope.Device => _names.DomainOfDevice(target) is not null,
        Maintenance.MaintenanceScope.Area => _names.AreaName(target) is not null,
        _ => true,
    };

    public string? DomainOf(Incident incident) =>
        IncidentWords.DomainOf(incident.Kind) ?? (incident.DeviceId is { } device ? _names.DomainOfDevice(device) : null);

    /// <summary>The agency whose rule matches first, and that rule's extra recipients.</summary>
    public (string Agency, IReadOnlyList<string> Notify) Route(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var domain = DomainOf(incident);
        foreach (var rule in _rules)
        {
            if (Matches(rule, incident, domain))
            {
                return (rule.Agency, rule.Notify);
            }
        }

        return (_routing.DefaultAgency, []);
    }

    private static bool Matches(RoutingRule rule, Incident incident, string? domain) =>
        (string.IsNullOrEmpty(rule.Domain) || string.Equals(rule.Domain, domain, StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrEmpty(rule.Kind) || string.Equals(rule.Kind, incident.Kind.Code(), StringComparison.OrdinalIgnoreCase))
        && (rule.Areas.Count == 0 || (incident.Area is { } area && rule.Areas.Contains(area, StringComparer.Ordinal)))
        && (string.IsNullOrEmpty(rule.MinSeverity) || incident.Severity >= Enum.Parse<Severity>(rule.MinSeverity, ignoreCase: true));

    public string AgencyName(string? code) => code is not null && _routing.Agencies.TryGetValue(code, out var a) ? a.Name : code ?? "";

    public string AgencyNameEn(string? code) => code is not null && _routing.Agencies.TryGetValue(code, out var a) ? a.NameEn ?? a.Name : code ?? "";

    /// <summary>
    /// The messages for an incident that now needs its agency: it opened, reopened, was handed over, or its maintenance
    /// window ended with the condition still present. <paramref name="occasion"/> is part of the idempotency key.
    /// </summary>
    public IReadOnlyList<Notification> Announce(Incident incident, string occasion)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var recipients = new List<string>();
        if (incident.Agency is { } code && _routing.Agencies.TryGetValue(code, out var agency))
        {
            recipients.AddRange(agency.Notify);
        }

        var (routed, extra) = Route(incident);
        if (routed == incident.Agency)
        {
            recipients.AddRange(extra);
        }

        var (headVi, headEn, tag) = occasion switch
        {
            "handed_over" => ("Được chuyển đến đơn vị", "Handed over to your agency", "Chuyển đơn vị"),
            "maintenance_ended" => ("Hết giờ bảo trì nhưng sự cố vẫn còn", "Maintenance ended and the problem is still there", "Hết giờ bảo trì"),
            "reopened" => ("Sự cố xuất hiện lại", "The problem is back", "Xuất hiện lại"),
            _ when occasion.StartsWith("severity_", StringComparison.Ordinal) => ($"Sự cố nặng thêm, nay ở mức {incident.Severity.Vi()}", $"The incident got worse: now {incident.Severity.En().ToLowerInvariant()}", "Tăng mức độ"),
            _ => ("Sự cố mới", "New incident", (string?)null),
        };
        return Compose(incident, occasion + ":" + incident.NeedsAttentionSince.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), recipients, 0, headVi, headEn, tag);
    }

    /// <summary>
    /// The escalation step an unacknowledged incident has reached at <paramref name="now"/>: 0 none, 1 the shift leader,
    /// 2 the agency's leaders too, 3 and on reminders to both. Only an open, active incident outside maintenance escalates.
    /// </summary>
    public int EscalationStep(Incident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        // Not: acknowledged, cleared, under maintenance, or a device's offline inside an area outage (the outage escalates).
        if (incident.State != IncidentState.Open || !incident.Active || incident.MaintenanceId is not null || incident.ParentId is not null
            || !_escalation.AfterMinutes.TryGetValue(incident.Severity.Code(), out var minutes) || minutes <= 0)
        {
            return 0;
        }

        var after = TimeSpan.FromMinutes(minutes);
        var waited = now - incident.NeedsAttentionSince;
        if (waited < after)
        {
            return 0;
        }

        if (waited < 2 * after)
        {
            return 1;
        }

        var remind = TimeSpan.FromMinutes(Math.Max(1, _escalation.RemindEveryMinutes));
        return 2 + (int)Math.Min(10_000, (waited - 2 * after) / remind);
    }

    /// <summary>The key that makes an escalation step happen once, even across restarts.</summary>
    public static string EscalationKey(Incident incident, int step) => string.Create(
        CultureInfo.InvariantCulture, $"{incident.Id}:escalation:{incident.NeedsAttentionSince.ToUnixTimeMilliseconds()}:{step}");

    /// <summary>The messages and the audit comment of an escalation step.</summary>
    public (IReadOnlyList<Notification> Notifications, string Comment) Escalate(Incident incident, int step)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var leaders = incident.Agency is { } code && _routing.Agencies.TryGetValue(code, out var agency) ? agency.Leaders : [];
        var minutes = _escalation.AfterMinutes.GetValueOrDefault(incident.Severity.Code());
        var waited = (int)Math.Round(minutes * (step == 1 ? 1.0 : 2.0));
        // From the second step on, the shift leader is told too: a step the clock could not take (the host was down)
        // must not leave the shift leader out.
        List<string> recipients = step == 1 ? [.. _escalation.ShiftLeader] : [.. _escalation.ShiftLeader, .. leaders];
        var (vi, en) = step switch
        {
            1 => ($"Báo trưởng ca (chưa ai tiếp nhận sau {waited} phút)", $"Escalated to the shift leader (not acknowledged after {waited} min)"),
            2 => ($"Báo lãnh đạo {AgencyName(incident.Agency)} (chưa ai tiếp nhận sau {waited} phút)", $"Escalated to the agency's leaders (not acknowledged after {waited} min)"),
            _ => ($"Nhắc lần {step - 2} (sự cố vẫn chưa ai tiếp nhận)", $"Reminder {step - 2} (still not acknowledged)"),
        };
        var tag = step switch { 1 => "Báo trưởng ca", 2 => "Báo lãnh đạo", _ => $"Nhắc lần {step - 2}" };
        var notifications = Compose(incident, "escalation:" + incident.NeedsAttentionSince.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + ":" + step.ToString(CultureInfo.InvariantCulture), recipients, step, vi, en, tag);
        var to = recipients.Count == 0 ? "chưa cấu hình người nhận / no recipient configured" : string.Join(", ", recipients);
        return (notifications, $"{vi} → {to} / {en}");
    }

    /// <param name="tag">Put before the title ("[Báo trưởng ca] …"), so an escalation or a reminder is told apart from the first alert in an inbox.</param>
    private List<Notification> Compose(Incident incident, string occasion, IEnumerable<string> recipients, int level, string headVi, string headEn, string? tag = null)
    {
        var areaName = incident.Area is { } area ? _names.AreaName(area) ?? area : null;
        var deviceName = incident.DeviceId is { } device ? _names.DeviceName(device) : null;
        var agencyName = AgencyName(incident.Agency);
        var agencyEn = incident.Agency is { } code && _routing.Agencies.TryGetValue(code, out var a) ? a.NameEn ?? a.Name : agencyName;
        var since = incident.OpenedAt.ToOffset(VietnamOffset);
        var link = _consoleUrl + incident.Id.ToString(CultureInfo.InvariantCulture);
        var detail = incident.Evidence.Detail ?? "";
        var halves = detail.Split(" / ", 2);
        var where = (areaName, deviceName ?? incident.DeviceId) switch
        {
            (null, null) => "",
            ({ } a1, null) => a1,
            (null, { } d) => d,
            ({ } a1, { } d) => $"{a1} — {d}",
        };
        var title = $"{(tag is null ? "" : $"[{tag}] ")}[{incident.Severity.Vi()}] {incident.Kind.Vi()}{(where.Length > 0 ? " — " + where : "")} (#{incident.Id})";
        var text = string.Join('\n',
            $"{headVi}: sự cố #{incident.Id} — {incident.Kind.Vi()}",
            $"Mức độ: {incident.Severity.Vi()}",
            $"Nơi xảy ra: {(where.Length > 0 ? where : "không rõ")}",
            $"Từ lúc: {since.ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture)} (giờ Việt Nam)",
            $"Đơn vị phụ trách: {agencyName}",
            halves[0].Length > 0 ? $"Chi tiết: {halves[0]}" : "",
            $"Xem và tiếp nhận: {link}",
            "",
            $"{headEn}: incident #{incident.Id} — {incident.Kind.En()}, {incident.Severity.En().ToLowerInvariant()}, at {(where.Length > 0 ? where : "unknown place")}, "
                + $"since {since.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} (UTC+7); responsible: {agencyEn}."
                + (halves.Length > 1 ? $" {halves[1]}" : ""),
            $"Open: {link}").Replace("\n\n\n", "\n\n", StringComparison.Ordinal);
        var facts = new NotificationFacts(
            incident.Kind.Code(), incident.Kind.Vi(), incident.Severity.Code(), incident.Severity.Vi(), incident.DeviceId, deviceName,
            incident.Area, areaName, incident.Agency, agencyName, incident.OpenedAt, level, detail.Length > 0 ? detail : null);
        var notifications = new List<Notification>();
        foreach (var recipient in recipients.Distinct(StringComparer.Ordinal))
        {
            var colon = recipient.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == recipient.Length - 1)
            {
                continue; // refused at start-up by the options' validation
            }

            var channel = recipient[..colon];
            var address = recipient[(colon + 1)..];
            // ASCII (it travels in an HTTP header): a recipient with other characters is named by a hash of it.
            var who = recipient.All(ch => ch is > ' ' and < (char)127) ? recipient
                : channel + ":" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(address)))[..16];
            var key = string.Create(CultureInfo.InvariantCulture, $"iocc:{incident.Id}:{occasion}:{who}");
            notifications.Add(new Notification(key, incident.Id, channel, address, occasion.Split(':')[0], title, text, link, facts));
        }

        return notifications;
    }
}
