using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Live;
using IocCenter.Dashboard.Live;
using IocCenter.Devices;
using IocCenter.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace IocCenter.DashboardTests;

/// <summary>The live state's rules, on a fake clock: each device at most once a second per view, tiles once a second, silence noticed.</summary>
public sealed class LiveStateTests : IDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), "iocc-live-" + Guid.NewGuid().ToString("N")[..8] + ".db");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-22T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly IncidentStore _store;
    private readonly IncidentService _incidents;
    private readonly LiveState _state;

    public LiveStateTests()
    {
        _store = new IncidentStore(_db);
        _incidents = new IncidentService(_store, _time, TimeSpan.FromMinutes(30));
        _state = new LiveState(new DeviceDirectory([new DeviceRecord("trf-1", TelemetryDomain.Traffic, "29905"), new DeviceRecord("env-1", TelemetryDomain.Environment, "30226")]), _incidents, _time);
    }

    public void Dispose()
    {
        _incidents.Dispose();
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_db);
    }

    private void Reading(string device, TelemetryDomain domain, double speed) =>
        _state.Apply(new LiveReading(device, domain, null, _time.GetUtcNow().ToUnixTimeMilliseconds(), [new("avg_speed_kmh", speed, false)]));

    [Fact]
    public void ADeviceChangingOftenIsShownAtMostOnceASecond_WithItsLatestValue()
    {
        Reading("trf-1", TelemetryDomain.Traffic, 40);
        Assert.Equal(["trf-1"], _state.Tick(full: false).Changed);

        _time.Advance(TimeSpan.FromMilliseconds(300));
        Reading("trf-1", TelemetryDomain.Traffic, 41);
        Assert.Empty(_state.Tick(full: false).Changed); // shown 300 ms ago: it waits
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Reading("trf-1", TelemetryDomain.Traffic, 42);
        Assert.Empty(_state.Tick(full: false).Changed);

        _time.Advance(TimeSpan.FromMilliseconds(500));
        var (changed, _, _, chart) = _state.Tick(full: false);
        Assert.Equal(["trf-1"], changed);
        Assert.Null(chart);
        var delta = _state.Delta(changed, ViewFilter.All, null);
        Assert.Equal(42, Assert.Single(delta.Devices).Values["avg_speed_kmh"]);
        Assert.Empty(_state.Tick(full: false).Changed);
        Assert.Null(delta.Kpis);
    }

    [Fact]
    public void ScreensGetADeviceInFullOnce_ThenOnlyItsChanges_AndInFullAgainWhenItMovesArea()
    {
        Reading("trf-1", TelemetryDomain.Traffic, 40);
        var first = _state.Tick(full: false);
        Assert.Equal(["trf-1"], first.Announced);
        var full = _state.Delta(first.Changed, ViewFilter.All, null, first.Announced);
        Assert.Equal("29905", Assert.Single(full.Devices).Area);
        Assert.Empty(full.Changes);

        _time.Advance(TimeSpan.FromSeconds(1));
        Reading("trf-1", TelemetryDomain.Traffic, 35);
        var second = _state.Tick(full: false);
        Assert.Empty(second.Announced);
        Assert.Empty(second.States); // still "ok": a wall is sent nothing
        var values = new ViewFilter(null, null, Values: true);
        var compact = _state.Delta(second.For(values), values, null, second.Announced);
        Assert.Empty(compact.Devices);
        var change = Assert.Single(compact.Changes);
        Assert.Equal(("trf-1", "ok", 35.0), (change.Id, change.State, change.Values!["avg_speed_kmh"]));

        // A screen catching up (no announcement set) gets every device in full.
        Assert.Single(_state.Delta(second.Changed, ViewFilter.All, null).Devices);

        _time.Advance(TimeSpan.FromSeconds(1));
        _state.Apply(new LiveReading("trf-1", TelemetryDomain.Traffic, "30226", _time.GetUtcNow().ToUnixTimeMilliseconds(), [new("avg_speed_kmh", 30, false)]));
        var moved = _state.Tick(full: false);
        Assert.Equal("30226", Assert.Single(_state.Delta(moved.Changed, ViewFilter.All, null, moved.Announced).Devices).Area);
    }

    [Fact]
    public async Task AChangeOfState_IsShownAtTheNextTick_EvenRightAfterAReading_AndWallsGetItWithoutValues()
    {
        Reading("trf-1", TelemetryDomain.Traffic, 40);
        _state.Tick(full: false);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Reading("trf-1", TelemetryDomain.Traffic, 8);
        _state.ApplyIncident(await _incidents.RaiseAsync(IncidentKind.Congestion, "trf-1", "29905", Severity.Major, new Evidence("rule", 1)));

        var tick = _state.Tick(full: false);
        Assert.Equal(["trf-1"], tick.States);
        Assert.Equal(["trf-1"], tick.Changed);
        var change = Assert.Single(_state.Delta(tick.For(ViewFilter.All), ViewFilter.All, null, tick.Announced).Changes);
        Assert.Equal(("incident", "major"), (change.State, change.Severity));
        Assert.Null(change.Values);
    }

    [Fact]
    public void OnceASecond_TilesAndAChartPoint_AndADeviceGoneSilentIsShownOffline()
    {
        Reading("trf-1", TelemetryDomain.Traffic, 40);
        var (_, _, _, chart) = _state.Tick(full: true);
        Assert.NotNull(chart);
        Assert.Equal(40, chart!.AvgSpeedKmh);
        var delta = _state.Delta(["trf-1"], ViewFilter.All, chart);
        Assert.Equal(1, delta.Kpis!.Online["traffic"]);
        Assert.Equal(0, delta.Kpis.Online["environment"]);
        Assert.Equal(1, delta.Kpis.Total["environment"]);

        _time.Advance(IocCenter.Devices.ReportingRhythm.DefaultMinimum + TimeSpan.FromSeconds(1));
        var (changed, _, _, _) = _state.Tick(full: true);

        Assert.Contains("trf-1", changed);
        var silent = Assert.Single(_state.Delta(changed, ViewFilter.All, null).Devices, d => d.Id == "trf-1");
        Assert.Equal("offline", silent.State);
    }

    [Fact]
    public void TheAqiTile_ShowsAProvisionalWarningAsProvisional_UntilTheHourlyIndexReplacesIt()
    {
        Kpis Tiles()
        {
            var (_, _, _, chart) = _state.Tick(full: true);
            return _state.Delta([], ViewFilter.All, chart).Kpis!;
        }

        void Pm25(double value)
        {
            _state.Apply(new LiveReading("env-1", TelemetryDomain.Environment, null, _time.GetUtcNow().ToUnixTimeMilliseconds(), [new("pm25_ugm3", value, false)]));
            _time.Advance(TimeSpan.FromMinutes(5));
        }

        // 03:00–04:55 at 20 µg/m³, every five minutes: at 05:00 hour 04 closes with NowCast [20, 20] → 40.
        for (var i = 0; i < 24; i++)
        {
            Pm25(20);
        }

        Pm25(300); // 05:00: hour 04 closes
        Assert.Equal((40, false), (Tiles().WorstAqi!.Value, Tiles().WorstAqi!.Provisional));
        Pm25(300);
        Pm25(300); // 05:10: three bins of the running hour — NowCast [300, 20, 20] = 180 → 200 + 30 = 230, Rất xấu, provisional
        var provisional = Tiles().WorstAqi!;
        Assert.Equal((230, true, 15, "Rất xấu"), (provisional.Value, provisional.Provisional, provisional.Minutes, provisional.CategoryVi));

        for (var i = 0; i < 9; i++)
        {
            Pm25(300); // to 05:55
        }

        Pm25(300); // 06:00: hour 05 closes at NowCast [300, 20, 20] = 180 → 230, official
        var official = Tiles().WorstAqi!;
        Assert.Equal((230, false, null), (official.Value, official.Provisional, official.Minutes));
    }

    [Fact]
    public async Task AnOpenIncident_ColoursItsDevice_AndIsInTheSnapshotOfItsAreaOnly()
    {
        Reading("trf-1", TelemetryDomain.Traffic, 8);
        var incident = await _incidents.RaiseAsync(IncidentKind.Congestion, "trf-1", "29905", Severity.Major, new Evidence("rule", 1));
        _state.ApplyIncident(incident);

        var device = Assert.Single(_state.Snapshot(ViewFilter.All, "Đồng Tháp", []).Devices, d => d.Id == "trf-1");
        Assert.Equal("incident", device.State);
        Assert.Equal("major", device.Severity);
        Assert.Single(_state.Snapshot(new ViewFilter(null, "29905"), "Đồng Tháp", []).Incidents);
        Assert.Empty(_state.Snapshot(new ViewFilter(null, "30226"), "Đồng Tháp", []).Incidents);
    }

    [Fact]
    public void DeviceStates_SavedAndRestoredIntoANewLiveState_ShowAsBefore_AndAReadingSinceTheStartWins()
    {
        Reading("trf-1", TelemetryDomain.Traffic, 40);
        _state.Apply(new LiveReading("cnn-9", TelemetryDomain.Connectivity, "29869", _time.GetUtcNow().ToUnixTimeMilliseconds(), [new("latency_ms", 35, false)]));
        _state.Apply(new LiveReading("cnn-9", TelemetryDomain.Connectivity, "29869", 0, [], Online: false));
        var path = Path.Combine(Path.GetTempPath(), "iocc-devices-" + Guid.NewGuid().ToString("N")[..8] + ".db");
        try
        {
            using (var store = new DeviceStateStore(path))
            {
                store.Save(_state.TakeUnsaved());
                Assert.Empty(_state.TakeUnsaved()); // saved once, until it changes again
            }

            _time.Advance(TimeSpan.FromSeconds(30));
            using var reopened = new DeviceStateStore(path);
            var restarted = new LiveState(new DeviceDirectory([]), _incidents, _time);
            restarted.Apply(new LiveReading("trf-1", TelemetryDomain.Traffic, null, _time.GetUtcNow().ToUnixTimeMilliseconds(), [new("avg_speed_kmh", 55, false)]));
            restarted.Restore(reopened.Load());

            var road = restarted.Find("trf-1")!;
            Assert.Equal(55, road.Values["avg_speed_kmh"]); // what arrived since the start wins over what was saved
            Assert.True(road.Online);
            var link = restarted.Find("cnn-9")!;
            Assert.Equal(("29869", false, "offline", 35.0), (link.Area, link.Online, link.State, link.Values["latency_ms"])); // announced offline before the restart: still offline
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("", "", true)]
    [InlineData("traffic", "", true)]
    [InlineData("", "28249", true)]
    [InlineData("traffic", "28249", true)]
    [InlineData("environment", null, false)]
    [InlineData(null, "28250", false)]
    public void ViewFilter_EmptyIsNoFilter_AsAFormWithNothingChosenSendsIt(string? domain, string? area, bool shown) =>
        Assert.Equal(shown, new ViewFilter(domain, area).Shows("traffic", "28249"));
}
