using System.Security.Cryptography;
using System.Text;
using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Live;

namespace IocCenter.Analytics.Host;

/// <summary>Serves <see cref="IncidentApi"/> from the single incident writer, for dashboards on the service key.</summary>
internal static partial class IncidentEndpoints
{
    public static void MapIncidentApi(this WebApplication app)
    {
        var key = app.Configuration[IncidentApi.KeySetting];
        if (string.IsNullOrEmpty(key))
        {
            LogApiOff(app.Logger, IncidentApi.KeySetting);
            return;
        }

        var expected = Encoding.UTF8.GetBytes("Bearer " + key);
        var root = app.MapGroup(string.Empty).AddEndpointFilter(async (context, next) =>
        {
            var given = Encoding.UTF8.GetBytes(context.HttpContext.Request.Headers.Authorization.ToString());
            return CryptographicOperations.FixedTimeEquals(given, expected) ? await next(context) : Results.Unauthorized();
        });
        var api = root.MapGroup(IncidentApi.Prefix);

        api.MapGet("/unresolved", (IncidentService incidents) => Json(incidents.Unresolved()));
        api.MapGet(string.Empty, (IncidentService incidents, int? limit) => Json(incidents.Recent(Math.Clamp(limit ?? 500, 1, 5000))));
        api.MapGet("/{id:long}", (long id, IncidentService incidents) =>
            incidents.Find(id) is { } incident ? Json(new IncidentWithAudit(incident, incidents.AuditTrail(id))) : Results.NotFound());
        api.MapPost("/{id:long}/acknowledge", (long id, IncidentActionRequest request, IncidentService incidents) =>
            ActAsync(() => incidents.AcknowledgeAsync(id, request.User, request.Comment), request));
        api.MapPost("/{id:long}/resolve", (long id, IncidentActionRequest request, IncidentService incidents) =>
            ActAsync(() => incidents.ResolveAsync(id, request.User, request.Comment), request));
        api.MapPost("/{id:long}/assign", (long id, IncidentAssignRequest request, IncidentService incidents) =>
            ActAsync(() => incidents.AssignAsync(id, request.User, request.Assignee, request.Agency, request.Comment), new IncidentActionRequest(request.User, request.Comment)));
        root.MapGet(IncidentApi.AgenciesPath, async (IncidentService incidents) => Json(await ((IIncidents)incidents).AgenciesAsync()));
        root.MapGet(IncidentApi.NotificationsPath, async (IncidentService incidents) => Json(await ((IIncidents)incidents).NotificationStatusAsync()));
        root.MapGet(IncidentApi.MaintenancePath, (IncidentService incidents) => Json(incidents.MaintenanceWindows()));
        root.MapPost(IncidentApi.MaintenancePath, (MaintenanceSetRequest request, IncidentService incidents) =>
            ActAsync(() => incidents.SetMaintenanceAsync(request.Window, request.User), new IncidentActionRequest(request.User, null)));
        root.MapPost(IncidentApi.MaintenancePath + "/{id:long}/cancel", (long id, IncidentActionRequest request, IncidentService incidents) =>
            ActAsync(() => incidents.CancelMaintenanceAsync(id, request.User, request.Comment), request));
    }

    private static async Task<IResult> ActAsync<T>(Func<Task<T>> action, IncidentActionRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.User))
        {
            return Results.BadRequest(new IncidentActionRefused("An action needs the officer's user name / thiếu tên cán bộ"));
        }

        try
        {
            return Json(await action());
        }
        catch (KeyNotFoundException)
        {
            return Results.NotFound();
        }
        catch (IllegalTransitionException e)
        {
            return Results.Json(new IncidentActionRefused(e.Message), IncidentJson.Options, statusCode: StatusCodes.Status409Conflict);
        }
        catch (ArgumentException e)
        {
            return Results.Json(new IncidentActionRefused(e.Message), IncidentJson.Options, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static IResult Json<T>(T value) => Results.Json(value, IncidentJson.Options);

    [LoggerMessage(Level = LogLevel.Information, Message = "API sự cố tắt (chưa đặt {Setting}) / The incident API is off: set {Setting} for dashboards running apart")]
    private static partial void LogApiOff(ILogger logger, string setting);
}
