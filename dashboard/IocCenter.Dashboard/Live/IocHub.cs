using IocCenter.Analytics.Incidents;
using IocCenter.Dashboard.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace IocCenter.Dashboard.Live;

/// <summary>
/// <c>/hubs/ioc</c>: a screen connects and receives <c>snapshot</c> (everything it shows), then <c>delta</c> at most
/// once a second and <c>incident</c> as incidents change. <see cref="Watch"/> narrows it to a domain and/or an area.
/// </summary>
[Authorize(Policy = Policies.Viewer)]
public sealed class IocHub(LiveBroadcaster broadcaster, IIncidents incidents, SessionCheck sessions) : Hub
{
    public const string SessionEnded = "Phiên đăng nhập đã hết hiệu lực, xin đăng nhập lại / Your session has ended; sign in again";

    /// <summary>The walls signed in with one kiosk link, on every instance (with the Redis backplane).</summary>
    public static string KioskGroup(long tokenId) => "kiosk-" + tokenId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override async Task OnConnectedAsync()
    {
        long? kiosk = Context.User?.FindFirst(KioskTokenHandler.TokenIdClaim)?.Value is { } claim ? long.Parse(claim, System.Globalization.CultureInfo.InvariantCulture) : null;
        if (kiosk is { } tokenId)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, KioskGroup(tokenId));
        }

        broadcaster.Connect(Context.ConnectionId, kiosk, Context.Abort, SessionCheck.PersonOf(Context.User));
        await base.OnConnectedAsync();
    }

    /// <summary>An officer acknowledges an incident (with a comment); every screen sees it at once.</summary>
    [Authorize(Policy = Policies.Officer)]
    public async Task<Incident> Acknowledge(long id, string? comment) =>
        await Act(() => incidents.AcknowledgeAsync(id, Context.User!.Identity!.Name!, comment));

    [Authorize(Policy = Policies.Officer)]
    public async Task<Incident> Resolve(long id, string? comment) =>
        await Act(() => incidents.ResolveAsync(id, Context.User!.Identity!.Name!, comment));

    /// <summary>
    /// An action is taken only while its person's session holds, checked now against the users database: a connection
    /// made before a log out, a new password or a change by an admin acts no more, even before the sweep closes it.
    /// </summary>
    private async Task<Incident> Act(Func<Task<Incident>> action)
    {
        if (!sessions.Holds(Context.User))
        {
            throw new HubException(SessionEnded);
        }

        try
        {
            return await action();
        }
        catch (Exception e) when (e is IllegalTransitionException or KeyNotFoundException)
        {
            throw new HubException(e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new HubException(Api.ApiEndpoints.Unavailable);
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        broadcaster.Disconnect(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// Watch one domain (<c>traffic</c>, <c>environment</c>, <c>connectivity</c>) and/or one area, null for all; with
    /// <paramref name="values"/>, every device's latest values once a second, otherwise (the default, a wall's map)
    /// only devices whose state changes.
    /// </summary>
    public void Watch(string? domain, string? area, bool values)
    {
        if (domain is not null && !Telemetry.TelemetryDomains.TryParse(domain, out _))
        {
            throw new HubException($"Unknown domain '{domain}' / lĩnh vực không hợp lệ");
        }

        broadcaster.Watch(Context.ConnectionId, new ViewFilter(domain, string.IsNullOrEmpty(area) ? null : area, values));
    }
}
