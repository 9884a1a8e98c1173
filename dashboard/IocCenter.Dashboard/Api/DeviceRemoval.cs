using System.Security.Claims;
using IocCenter.Analytics.Incidents;
using IocCenter.Dashboard.Live;

namespace IocCenter.Dashboard.Api;

/// <summary>What an admin's removal of a device did.</summary>
public sealed record RemovedDevice(string Id, int IncidentsResolved);

/// <summary>What an admin's removal of every unregistered device did.</summary>
public sealed record RemovedDevices(int Devices, int IncidentsResolved);

/// <summary>
/// <c>DELETE /api/devices/{id}</c> (admin): the device leaves every wall at the next tick and its saved state is
/// deleted; with the incident writer in this process its unresolved incidents are resolved by the admin. A device
/// that publishes again comes back. Its retained status on the broker is not touched: a device's retained
/// <c>offline</c> makes it reappear when ingest subscribes anew (clear it with an empty retained message).
/// </summary>
internal static partial class DeviceRemoval
{
    public static async Task<IResult> RemoveAsync(string id, ClaimsPrincipal user, LiveState state, IServiceProvider services, ILoggerFactory loggers)
    {
        if (!state.Remove(id))
        {
            return Results.NotFound();
        }

        var name = user.Identity?.Name ?? "admin";
        var resolved = services.GetService<IncidentService>() is { } writer ? await writer.ResolveRemovedDeviceAsync(id, name) : 0;
        LogRemoved(loggers.CreateLogger(typeof(DeviceRemoval)), id, name, resolved);
        return Results.Ok(new RemovedDevice(id, resolved));
    }

    /// <summary><c>DELETE /api/devices?unregistered=true</c>: every device the registry does not list, at once (thousands of made-up ids).</summary>
    public static async Task<IResult> RemoveUnregisteredAsync(bool? unregistered, ClaimsPrincipal user, LiveState state, IServiceProvider services, ILoggerFactory loggers)
    {
        if (unregistered != true)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["unregistered"] = ["Chỉ gỡ hàng loạt được thiết bị chưa đăng ký (unregistered=true) / Only unregistered devices are removed in bulk (unregistered=true)"] });
        }

        var name = user.Identity?.Name ?? "admin";
        var removed = state.RemoveUnregistered();
        var resolved = removed.Count > 0 && services.GetService<IncidentService>() is { } writer ? await writer.ResolveRemovedDevicesAsync(removed, name) : 0;
        LogRemovedUnregistered(loggers.CreateLogger(typeof(DeviceRemoval)), removed.Count, name, resolved);
        return Results.Ok(new RemovedDevices(removed.Count, resolved));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{User} đã gỡ {Count} thiết bị chưa đăng ký khỏi màn hình, {Resolved} sự cố được đóng / {User} removed {Count} unregistered devices; {Resolved} incidents resolved")]
    private static partial void LogRemovedUnregistered(ILogger logger, int count, string user, int resolved);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Thiết bị {Device} đã bị {User} gỡ khỏi màn hình, {Resolved} sự cố được đóng / Device {Device} removed by {User}; {Resolved} incidents resolved")]
    private static partial void LogRemoved(ILogger logger, string device, string user, int resolved);
}
