using IocCenter.Analytics.Maintenance;
using IocCenter.Telemetry;

namespace IocCenter.Dashboard.Live;

// Devices under maintenance show as such on every screen (planned work, not an alarm).
public sealed partial class LiveState
{
    private (long Second, List<MaintenanceWindow> Windows) _activeWindows = (long.MinValue, []);

    // The windows covering now, worked out once a second (under the gate), then matched per device.
    private bool UnderMaintenance(Device d, long now)
    {
        if (_activeWindows.Second != now / 1000)
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(now);
            _activeWindows = (now / 1000, [.. incidents.Maintenance().Where(w => MaintenanceSchedule.Covers(w, at))]);
        }

        foreach (var window in _activeWindows.Windows)
        {
            if (MaintenanceSchedule.Matches(window, d.Id, d.Area, d.Domain.Name()))
            {
                return true;
            }
        }

        return false;
    }
}
