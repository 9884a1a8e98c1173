using FsCheck.Xunit;
using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Live;
using IocCenter.Dashboard.Live;
using IocCenter.Devices;
using IocCenter.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace IocCenter.DashboardTests;

/// <summary>
/// Issue 14, item 5: what the screens show (LiveState) and what analytics' device_offline rule says never disagree for
/// long — the independent review found a device shown offline with no incident (slow reporters, backdated readings, a
/// device heard once) and a false incident for a device the wall showed online (a burst). Any sequence of readings
/// (on time, late, backdated, in bursts), statuses and waits: at every silence check the two agree.
/// </summary>
public sealed class ScreensAndRuleAgreeTests : IDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), "iocc-agree-" + Guid.NewGuid().ToString("N")[..8] + ".db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_db);
    }

    [Property(MaxTest = 300)]
    public bool AtEverySilenceCheck_TheScreensAndTheRuleAgree((byte Wait, byte Kind, byte Back)[] script)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-22T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var store = new IncidentStore(_db + Guid.NewGuid().ToString("N")[..6]);
        using var incidents = new IncidentService(store, time, TimeSpan.FromMinutes(30));
        var state = new LiveState(DeviceDirectory.Empty, incidents, time);
        var rule = new RuleEngine(new RuleOptions());
        var changes = new List<ConditionChange>();
        var ruleOffline = false;
        foreach (var (wait, kind, back) in script)
        {
            // Waits from none to about 20 minutes (a burst, a 10 s device, a 6-minute reporter, an outage).
            time.Advance(TimeSpan.FromSeconds(wait < 128 ? wait % 16 : (wait - 127) * 10));
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            switch (kind % 6)
            {
                case 0 or 1 or 2: // a reading, on time
                    Read(now);
                    break;
                case 3: // a reading stamped up to an hour ago (a flushed buffer, a wrong clock)
                    Read(now - (back * 15_000L));
                    break;
                case 4:
                    state.Apply(new LiveReading("dev", TelemetryDomain.Traffic, null, now, [], Online: true));
                    rule.ObserveStatus("dev", null, online: true, now, changes);
                    break;
                default:
                    state.Apply(new LiveReading("dev", TelemetryDomain.Traffic, null, now, [], Online: false));
                    rule.ObserveStatus("dev", null, online: false, now, changes);
                    break;
            }

            rule.CheckSilence(now, changes);
            foreach (var change in changes.Where(c => c.Kind == IncidentKind.DeviceOffline))
            {
                ruleOffline = change.Present;
            }

            changes.Clear();
            var shown = state.Find("dev") ?? throw new InvalidOperationException("the screens do not know the device");
            if (shown.Online == ruleOffline)
            {
                return false;
            }
        }

        return true;

        void Read(long timestampMs)
        {
            MetricValue[] metrics = [new("vehicle_count", 3, true)];
            state.Apply(new LiveReading("dev", TelemetryDomain.Traffic, null, timestampMs, metrics));
            rule.Observe(new DeviceSample("dev", TelemetryDomain.Traffic, null, timestampMs, metrics), changes);
        }
    }
}
