using IocCenter.Dashboard.Live;
using Microsoft.Extensions.Options;

namespace IocCenter.Dashboard.Security;

/// <summary>
/// Closes the walls connected here whose kiosk link was revoked, wherever it was revoked: with several dashboard
/// instances the revoking one closes its own walls at once and tells the others' walls through the backplane;
/// this check makes every instance close them itself too, within <see cref="DashboardSecurityOptions.KioskCheckInterval"/>,
/// whatever a wall's page does.
/// </summary>
internal sealed partial class KioskSweep(LiveBroadcaster broadcaster, UserStore users, IOptions<DashboardSecurityOptions> options, ILogger<KioskSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KioskCheckInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var connected = broadcaster.KioskTokenIds();
            if (connected.Count == 0)
            {
                continue;
            }

            try
            {
                var active = users.ActiveKioskTokenIds();
                foreach (var id in connected.Where(id => !active.Contains(id)))
                {
                    var closed = broadcaster.DisconnectKiosk(id);
                    LogClosed(logger, id, closed);
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                LogCheckFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Đã đóng {Count} màn hình dùng liên kết đã thu hồi / Closed {Count} wall(s) of revoked kiosk link {TokenId}")]
    private static partial void LogClosed(ILogger logger, long tokenId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Không kiểm tra được liên kết màn hình / Cannot check the kiosk links: {Error}")]
    private static partial void LogCheckFailed(ILogger logger, string error);
}
