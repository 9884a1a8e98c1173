using System.Security.Claims;
using IocCenter.Analytics.Incidents;
using IocCenter.Dashboard.Live;
using IocCenter.Dashboard.Security;
using IocCenter.Telemetry;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;

namespace IocCenter.Dashboard.Api;

/// <summary>An incident (with its <c>areaName</c>) and its audit trail.</summary>
public sealed record IncidentDetail(System.Text.Json.Nodes.JsonObject Incident, IReadOnlyList<IncidentEvent> Audit);

public sealed record ActionRequest(string? Comment);

public sealed record SeriesResponse(string Device, string Metric, long BucketSeconds, IReadOnlyList<SeriesPoint> Points);

public sealed record NewKioskToken(string? Name);

public sealed record CreatedKioskToken(KioskToken Token, string Secret, string Link);

/// <summary>
/// The REST API (JSON, described at <c>/openapi/v1.json</c>): incidents (list, get with audit trail, acknowledge,
/// resolve), devices and their latest values, and for admins users and kiosk tokens. Reading needs any signed-in
/// role or a kiosk token; acting needs an officer; managing needs an admin. Every change is made with the
/// anti-forgery header (<c>X-CSRF-TOKEN</c>, from <c>GET /api/antiforgery</c>).
/// </summary>
public static class ApiEndpoints
{
    public static void MapApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api").RequireAuthorization(Policies.Viewer);
        var acting = api.MapGroup(string.Empty).RequireAuthorization(Policies.Officer).AddEndpointFilter(ValidateAntiforgery);
        var admin = api.MapGroup(string.Empty).RequireAuthorization(Policies.Admin);

        api.MapGet("/antiforgery", (HttpContext context, IAntiforgery antiforgery) =>
            Results.Ok(new { token = antiforgery.GetAndStoreTokens(context).RequestToken }))
            .RequireAuthorization(Policies.Officer);

        api.MapGet("/me", (ClaimsPrincipal user) =>
        {
            // The person's own sign-in before a kiosk link opened in the same browser (both identities are on the
            // principal; an admin who tried a wall's link was shown as "người xem").
            var person = user.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme)
                ?? user.Identities.First();
            return Results.Ok(new { name = person.Name, displayName = person.FindFirst("display_name")?.Value, role = person.FindFirst(ClaimTypes.Role)?.Value });
        });

        api.MapGet("/incidents", async (IIncidents incidents, IncidentAreas areas, [FromQuery] string? state, [FromQuery] string? severity, [FromQuery] string? kind, [FromQuery] string? area, [FromQuery] string? agency, [FromQuery] string? assignee, [FromQuery] int? limit, CancellationToken cancellationToken) =>
        {
            IEnumerable<Incident> list = state is null or "" or "unresolved" ? incidents.Unresolved() : await incidents.RecentAsync(Math.Clamp(limit ?? 500, 1, 5000), cancellationToken);
            if (state is not (null or "" or "unresolved" or "all"))
            {
                list = list.Where(i => i.State.Code() == state);
            }

            // An empty filter (?area=) is no filter, as on /api/devices.
            list = list.Where(i => (string.IsNullOrEmpty(severity) || i.Severity.Code() == severity) && (string.IsNullOrEmpty(kind) || i.Kind.Code() == kind) && (string.IsNullOrEmpty(area) || i.Area == area)
                && (string.IsNullOrEmpty(agency) || i.Agency == agency) && (string.IsNullOrEmpty(assignee) || i.Assignee == assignee));
            return Results.Ok(areas.View(list.Take(Math.Clamp(limit ?? 500, 1, 5000))));
        }).WithSummary("Incidents: unresolved by default; state=all|open|acknowledged|resolved for history");

        api.MapGet("/incidents/{id:long}", async (long id, IIncidents incidents, IncidentAreas areas, CancellationToken cancellationToken) =>
            await incidents.FindAsync(id, cancellationToken) is { } incident ? Results.Ok(new IncidentDetail(areas.View(incident), await incidents.AuditTrailAsync(id, cancellationToken))) : Results.NotFound());

        acting.MapPost("/incidents/{id:long}/acknowledge", (long id, ActionRequest request, ClaimsPrincipal user, IIncidents incidents) =>
            Act(() => incidents.AcknowledgeAsync(id, user.Identity!.Name!, request.Comment)));

        acting.MapPost("/incidents/{id:long}/resolve", (long id, ActionRequest request, ClaimsPrincipal user, IIncidents incidents) =>
            Act(() => incidents.ResolveAsync(id, user.Identity!.Name!, request.Comment)));

        api.MapGet("/devices", (LiveBroadcaster live, [FromQuery] string? domain, [FromQuery] string? area) =>
            Results.Ok(live.Snapshot(new ViewFilter(domain, area)).Devices));

        api.MapGet("/devices/{id}", (string id, LiveState state) =>
            state.Find(id) is { } device ? Results.Ok(device) : Results.NotFound());

        api.MapGet("/devices/{id}/history", async (string id, [FromQuery] string? metric, [FromQuery] string? range, LiveState state, ITelemetryHistory history, TimeProvider time, CancellationToken cancellationToken) =>
        {
            if (state.Find(id) is not { } device || !TelemetryDomains.TryParse(device.Domain, out var domain))
            {
                return Results.NotFound();
            }

            var (span, bucket) = range switch
            {
                "7d" => (TimeSpan.FromDays(7), TimeSpan.FromHours(1)),
                "24h" => (TimeSpan.FromHours(24), TimeSpan.FromMinutes(10)),
                "1h" or null => (TimeSpan.FromHours(1), TimeSpan.FromSeconds(30)),
                _ => (TimeSpan.Zero, TimeSpan.Zero),
            };
            metric ??= MetricCatalog.For(domain).First().Name;
            if (span == TimeSpan.Zero || !MetricCatalog.IsValidName(metric))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["range"] = ["Khoảng thời gian phải là 1h, 24h hoặc 7d; metric là tên một chỉ số đo / range is 1h, 24h or 7d; metric a metric name"]
 });
            }

            var until = time.GetUtcNow();
            var points = await history.SeriesAsync(domain, id, metric, until - span, until, bucket, cancellationToken);
            return Results.Ok(new SeriesResponse(id, metric, (long)bucket.TotalSeconds, points));
        }).WithSummary("A device's metric over 1h / 24h / 7d, downsampled by the telemetry store");

        api.MapGet("/incidents/{id:long}/evidence", async (long id, IIncidents incidents, LiveState state, ITelemetryHistory history, TimeProvider time, CancellationToken cancellationToken) =>
        {
            if (await incidents.FindAsync(id, cancellationToken) is not { } incident || incident.DeviceId is null)
            {
                return Results.NotFound();
            }

            var device = state.Find(incident.DeviceId);
            if (device is null || !TelemetryDomains.TryParse(device.Domain, out var domain))
            {
                return Results.NotFound();
            }

            // The metric the detector judged (or the kind's usual one) from an hour before to half an hour after.
            var metric = incident.Evidence.Metric is { } m && m != "pca" && MetricCatalog.IsValidName(m) ? m : EvidenceMetric(incident.Kind, domain, device.Values);
            var (since, until) = EvidenceWindow(incident, time.GetUtcNow());
            var bucket = TimeSpan.FromSeconds(Math.Max(10, Math.Ceiling((until - since).TotalSeconds / 200)));
            var points = await history.SeriesAsync(domain, incident.DeviceId, metric, since, until, bucket, cancellationToken);
            return Results.Ok(new SeriesResponse(incident.DeviceId, metric, (long)bucket.TotalSeconds, points));
        }).WithSummary("The metric around an incident, from the telemetry store");

        admin.MapPeople();
        api.MapDuty(acting, admin);

        admin.MapDelete("/devices/{id}", DeviceRemoval.RemoveAsync).AddEndpointFilter(ValidateAntiforgery)
            .WithSummary("Removes a device from the walls and the saved states (it comes back if it reports again)");
        admin.MapDelete("/devices", ([FromQuery] bool? unregistered, ClaimsPrincipal user, LiveState state, IServiceProvider services, ILoggerFactory loggers) =>
            DeviceRemoval.RemoveUnregisteredAsync(unregistered, user, state, services, loggers)).AddEndpointFilter(ValidateAntiforgery)
            .WithSummary("unregistered=true: removes every device the registry does not list");

        admin.MapGet("/kiosk-tokens", (UserStore users) => Results.Ok(users.KioskTokens()));

        admin.MapPost("/kiosk-tokens", (NewKioskToken request, UserStore users, HttpContext context) =>
        {
            if (NameRule.Problem(request.Name, NameOf.Wall, out var name) is { } problem)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [problem] });
            }

            var (token, secret) = users.CreateKioskToken(name);
            return Results.Ok(new CreatedKioskToken(token, secret, $"{context.Request.Scheme}://{context.Request.Host}/wall?token={secret}"));
        }).AddEndpointFilter(ValidateAntiforgery);

        admin.MapDelete("/kiosk-tokens/{id:long}", async (long id, UserStore users, LiveBroadcaster live, IHubContext<IocHub> hub) =>
        {
            if (!users.RevokeKioskToken(id))
            {
                return Results.NotFound();
            }

            // Every wall using it is told (on other instances through the backplane) and stops with a message saying
            // why; here they are disconnected now, there by their own instance's check (KioskSweep). None can come back with it.
            await hub.Clients.Group(IocHub.KioskGroup(id)).SendAsync("revoked");
            live.DisconnectKiosk(id);
            return Results.NoContent();
        }).AddEndpointFilter(ValidateAntiforgery);
    }

    /// <summary>
    /// The time an incident's chart covers: from an hour before it opened to half an hour after it ended (or now). When
    /// the reading that raised it is older than the incident by more than five minutes — a device that kept its
    /// readings through an outage and sent them late — the hour before that reading to half an hour after it instead:
    /// the chart shows what the detector saw, not the hour the readings arrived in. A device offline for a silence is
    /// charted from an hour before its last reading.
    /// </summary>
    public static (DateTimeOffset Since, DateTimeOffset Until) EvidenceWindow(Incident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        // A device that fell silent: from an hour before its last reading (the silence rule's evidence says how long
        // before the incident that was, up to a week), so the chart shows where it stopped, not an empty hour.
        var silence = incident.Kind == IncidentKind.DeviceOffline && incident.Evidence.Detector == "rule.silence" && incident.Evidence.Value is > 0 and var seconds
            ? TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(7).TotalSeconds))
            : TimeSpan.Zero;
        var end = incident.Evidence.ReadingAt is { } reading && reading < incident.OpenedAt.AddMinutes(-5) && silence == TimeSpan.Zero
            ? (Since: reading.AddHours(-1), End: reading.AddMinutes(30))
            : (Since: incident.OpenedAt - silence - TimeSpan.FromHours(1), End: (incident.ResolvedAt ?? incident.ClearedAt ?? now).AddMinutes(30));
        return (end.Since, end.End > now ? now : end.End);
    }

    /// <summary>
    /// The metric an incident without one of its own (a device offline) is charted by: the kind's usual one, or the
    /// domain's first, when the device sends it; otherwise one it does send (a water-level station is an environment
    /// device without PM2.5, and its offline incident's chart was empty).
    /// </summary>
    internal static string EvidenceMetric(IncidentKind kind, TelemetryDomain domain, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var usual = kind switch
        {
            IncidentKind.Congestion => "avg_speed_kmh",
            IncidentKind.AirQuality => "pm25_ugm3",
            IncidentKind.ConnectivityDegraded => "packet_loss_pct",
            _ => MetricCatalog.For(domain).First().Name,
        };
        if (values.Count == 0 || values.ContainsKey(usual))
        {
            return usual;
        }

        return MetricCatalog.For(domain).Select(m => m.Name).FirstOrDefault(values.ContainsKey)
            ?? values.Keys.Where(k => MetricCatalog.IsValidName(k)).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? usual;
    }

    /// <summary>A dashboard running apart could not reach the incident writer; nothing was changed.</summary>
    public const string Unavailable = "Hệ thống phân tích không phản hồi, thao tác chưa được ghi nhận — hãy thử lại / The incident service did not answer; nothing was recorded, try again";

    private static async Task<IResult> Act(Func<Task<Incident>> action)
    {
        try
        {
            return Results.Ok(await action());
        }
        catch (KeyNotFoundException)
        {
            return Results.NotFound();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return Results.Problem(Unavailable, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (IllegalTransitionException e)
        {
            return Results.Conflict(new { error = e.Message });
        }
    }

    internal static async ValueTask<object?> ValidateAntiforgery(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var antiforgery = context.HttpContext.RequestServices.GetRequiredService<IAntiforgery>();
        if (!await antiforgery.IsRequestValidAsync(context.HttpContext))
        {
            return Results.Problem("Trang đã mở quá lâu hoặc phiên làm việc đã thay đổi: hãy tải lại trang rồi thao tác lại / Missing or invalid anti-forgery token (X-CSRF-TOKEN); reload the page", statusCode: StatusCodes.Status400BadRequest);
        }

        return await next(context);
    }
}
