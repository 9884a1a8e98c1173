using System.Security.Claims;
using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Maintenance;
using Microsoft.AspNetCore.Mvc;

namespace IocCenter.Dashboard.Api;

/// <summary>An officer gives an incident to a person and/or hands it to another agency.</summary>
public sealed record AssignRequest(string? Assignee, string? Agency, string? Comment);

/// <summary>A window as screens show it: whether it covers now, when that ends, when it next starts.</summary>
public sealed record MaintenanceView(MaintenanceWindow Window, bool ActiveNow, DateTimeOffset? EndsNowAt, DateTimeOffset? NextStart);

/// <summary>
/// Who owns incidents and planned work: <c>GET /api/agencies</c>; <c>POST /api/incidents/{id}/assign</c> (officer);
/// <c>GET /api/maintenance</c>, <c>POST /api/maintenance</c> and <c>POST /api/maintenance/{id}/cancel</c> (officer);
/// <c>GET /api/notifications</c> (admin: the outbox per channel and its newest messages).
/// </summary>
internal static class DutyEndpoints
{
    public static void MapDuty(this RouteGroupBuilder api, RouteGroupBuilder acting, RouteGroupBuilder admin)
    {
        api.MapGet("/agencies", (IIncidents incidents, CancellationToken cancellationToken) => Guarded(async () => await incidents.AgenciesAsync(cancellationToken)));

        acting.MapPost("/incidents/{id:long}/assign", (long id, AssignRequest request, ClaimsPrincipal user, IIncidents incidents) =>
            Guarded(() => incidents.AssignAsync(id, user.Identity!.Name!, request.Assignee, request.Agency, request.Comment)));

        api.MapGet("/maintenance", (IIncidents incidents, TimeProvider time, [FromQuery] bool? all) =>
        {
            var now = time.GetUtcNow();
            var views = incidents.Maintenance()
                .Select(w => new MaintenanceView(w, MaintenanceSchedule.Covers(w, now), MaintenanceSchedule.CurrentEnd(w, now), MaintenanceSchedule.NextStart(w, now)))
                .Where(v => all == true || v.ActiveNow || v.NextStart is not null)
                .ToList();
            return Results.Ok(views);
        }).WithSummary("Maintenance windows now or to come (all=true: finished and cancelled too)");

        acting.MapPost("/maintenance", (MaintenanceRequest request, ClaimsPrincipal user, IIncidents incidents) =>
            Guarded(() => incidents.SetMaintenanceAsync(request, user.Identity!.Name!)));

        acting.MapPost("/maintenance/{id:long}/cancel", (long id, ActionRequest request, ClaimsPrincipal user, IIncidents incidents) =>
            Guarded(() => incidents.CancelMaintenanceAsync(id, user.Identity!.Name!, request.Comment)));

        admin.MapGet("/notifications", (IIncidents incidents, CancellationToken cancellationToken) => Guarded(() => incidents.NotificationStatusAsync(cancellationToken)));
    }

    private static async Task<IResult> Guarded<T>(Func<Task<T>> action)
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
            return Results.Problem(ApiEndpoints.Unavailable, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (IllegalTransitionException e)
        {
            return Results.Conflict(new { error = e.Message });
        }
        catch (ArgumentException e)
        {
            return Results.BadRequest(new { error = e.Message });
        }
    }
}
