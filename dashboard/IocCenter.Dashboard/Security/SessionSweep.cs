using IocCenter.Dashboard.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace IocCenter.Dashboard.Security;

/// <summary>
/// Closes the live connections here that should not be open any more, wherever that was decided: walls whose kiosk
/// link was revoked, and people whose session ended (logged out, new password, disabled, deleted, new role). The
/// instance where it happened closes its own at once (and tells the others' walls through the backplane); this check
/// makes every instance close them itself too, within <see cref="DashboardSecurityOptions.KioskCheckInterval"/>,
/// whatever a page does.
/// </summary>
internal sealed partial class SessionSweep(LiveBroadcaster broadcaster, UserStore users, IHubContext<IocHub> hub, IOptions<DashboardSecurityOptions> options, TimeProvider time, ILogger<SessionSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KioskCheckInterval, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                LogStopped(logger);
                return;
            }

            try
            {
                await SweepAsync();
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                LogCheckFailed(logger, e.Message);
            }
        }
    }

    /// <summary>One check: closes what must be closed now.</summary>
    internal async Task SweepAsync()
    {
        var walls = broadcaster.KioskTokenIds();
        if (walls.Count > 0)
        {
            var active = users.ActiveKioskTokenIds();
            foreach (var id in walls.Where(id => !active.Contains(id)))
            {
                // Each wall is told why before it is closed, as on the instance where the link was revoked: the message
                // that instance sends through the backplane can come after this check has closed the wall, which then
                // retried for good without saying it was revoked (a scale-out test caught the race, 1 run in 3).
                // Telling is best effort (a backplane that is down must not stop the check); closing is not.
                try
                {
                    await hub.Clients.Clients(broadcaster.KioskConnectionIds(id)).SendAsync("revoked");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogNotTold(logger, id, e.Message);
                }

                var closed = broadcaster.DisconnectKiosk(id);
                LogClosed(logger, id, closed);
            }
        }

        if (broadcaster.HasPeople)
        {
            var stamps = users.ActiveStamps();
            var closed = broadcaster.DisconnectPeople((id, stamp) => !stamps.TryGetValue(id, out var current) || !string.Equals(current, stamp, StringComparison.Ordinal));
            if (closed > 0)
            {
                LogPeopleClosed(logger, closed);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Đã đóng {Count} màn hình dùng liên kết đã thu hồi / Closed {Count} wall(s) of revoked kiosk link {TokenId}")]
    private static partial void LogClosed(ILogger logger, long tokenId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Không báo được cho màn hình dùng liên kết đã thu hồi {TokenId}, vẫn đóng kết nối / Could not tell the walls of revoked kiosk link {TokenId}; closing them anyway: {Error}")]
    private static partial void LogNotTold(ILogger logger, long tokenId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Đã đóng {Count} kết nối của người dùng đã hết phiên / Closed {Count} connection(s) of people whose session ended")]
    private static partial void LogPeopleClosed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Không kiểm tra được liên kết màn hình và phiên đăng nhập / Cannot check the kiosk links and sessions: {Error}")]
    private static partial void LogCheckFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dừng kiểm tra kết nối (máy chủ dừng) / Connection check stopped (host stopping)")]
    private static partial void LogStopped(ILogger logger);
}
