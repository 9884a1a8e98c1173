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
public sealed class IocHub(LiveBroadcaster broadcaster, IncidentService incidents) : Hub
{
    public override Task OnConnectedAsync()
    {
        var kiosk = Context.User?.FindFirst(KioskTokenHandler.TokenIdClaim)?.Value;
        broadcaster.Connect(Context.ConnectionId, kiosk is null ? null : long.Parse(kiosk, System.Globalization.CultureInfo.InvariantCulture), Context.Abort);
        return base.OnConnectedAsync();
    }

    /// <summary>An officer acknowledges an incident (with a comment); every screen sees it at once.</summary>
    [Authorize(Policy = Policies.Officer)]
    public async Task<Incident> Acknowledge(long id, string? comment) =>
        await Act(() => incidents.AcknowledgeAsync(id, Context.User!.Identity!.Name!, comment));

    [Authorize(Policy = Policies.Officer)]
    public async Task<Incident> Resolve(long id, string? comment) =>
        await Act(() => incidents.ResolveAsync(id, Context.User!.Identity!.Name!, comment));

    private static async Task<Incident> Act(Func<Task<Incident>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is IllegalTransitionException or KeyNotFoundException)
        {
            throw new HubException(e.Message);
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
