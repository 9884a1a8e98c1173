using Microsoft.AspNetCore.SignalR;

namespace IocCenter.Dashboard.Live;

/// <summary>
/// <c>/hubs/ioc</c>: a screen connects and receives <c>snapshot</c> (everything it shows), then <c>delta</c> at most
/// once a second and <c>incident</c> as incidents change. <see cref="Watch"/> narrows it to a domain and/or an area.
/// </summary>
public sealed class IocHub(LiveBroadcaster broadcaster) : Hub
{
    public override Task OnConnectedAsync()
    {
        broadcaster.Connect(Context.ConnectionId);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        broadcaster.Disconnect(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>Watch one domain (<c>traffic</c>, <c>environment</c>, <c>connectivity</c>) and/or one area; null for all.</summary>
    public void Watch(string? domain, string? area)
    {
        if (domain is not null && !Telemetry.TelemetryDomains.TryParse(domain, out _))
        {
            throw new HubException($"Unknown domain '{domain}' / lĩnh vực không hợp lệ");
        }

        broadcaster.Watch(Context.ConnectionId, new ViewFilter(domain, string.IsNullOrEmpty(area) ? null : area));
    }
}
