using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using IocCenter.Simulators.Fleet;
using IocCenter.Telemetry;

namespace IocCenter.Tests.Analytics.Detectors;

public class RuleEngineTests
{
    private const long Minute = 60_000;
    private static readonly long Start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    private readonly RuleEngine _engine = new(new RuleOptions());
    private readonly List<ConditionChange> _changes = [];

    private void Feed(string device, TelemetryDomain domain, long at, params MetricValue[] metrics) =>
        _engine.Observe(new DeviceSample(device, domain, "29905", at, metrics), _changes);

    private void Traffic(long minute, double speed, double occupancy) =>
        Feed("trf-1", TelemetryDomain.Traffic, Start + (minute * Minute), new("vehicle_count", 20, true), new("avg_speed_kmh", speed, false), new("occupancy_pct", occupancy, false));

    [Fact]
    public void Congestion_RaisedOnlyAfterItHeldForTheMinimumDuration()
    {
        Traffic(0, 10, 80);
        Traffic(1, 10, 80);
        Traffic(2, 40, 20); // a two-minute blip is not a jam
        Assert.Empty(_changes);

        for (var m = 3; m <= 6; m++)
        {
            Traffic(m, 9, 80);
        }

        var raised = Assert.Single(_changes);
        Assert.Equal((IncidentKind.Congestion, true, Severity.Minor, Start + (6 * Minute)), (raised.Kind, raised.Present, raised.Severity, raised.AtMs));
        Assert.Equal("rule.congestion", raised.Evidence.Detector);
    }

    [Fact]
    public void Congestion_HysteresisInValueAndTime()
    {
        for (var m = 0; m <= 3; m++)
        {
            Traffic(m, 10, 80);
        }

        _changes.Clear();

        // 17 km/h is above the raise threshold (15) but below the clear threshold (20): still a jam.
        for (var m = 4; m <= 12; m++)
        {
            Traffic(m, 17, 60);
        }

        Assert.Empty(_changes);

        for (var m = 13; m <= 17; m++)
        {
            Traffic(m, 35, 30);
        }

        Assert.Empty(_changes); // normal for 4 minutes: not yet cleared

        Traffic(18, 35, 30);
        var cleared = Assert.Single(_changes);
        Assert.False(cleared.Present);
    }

    [Fact]
    public void Congestion_EscalatesWhenItWorsens()
    {
        for (var m = 0; m <= 3; m++)
        {
            Traffic(m, 12, 60);
        }

        Traffic(4, 4, 90);

        Assert.Equal([Severity.Minor, Severity.Major], _changes.Select(c => c.Severity));
    }

    [Fact]
    public void Connectivity_DegradedLossRaisesAndClears()
    {
        for (var m = 0; m <= 3; m++)
        {
            Feed("ap-1", TelemetryDomain.Connectivity, Start + (m * Minute), new("latency_ms", 20, false), new("packet_loss_pct", 12, false));
        }

        for (var m = 4; m <= 9; m++)
        {
            Feed("ap-1", TelemetryDomain.Connectivity, Start + (m * Minute), new("latency_ms", 20, false), new("packet_loss_pct", 0.1, false));
        }

        Assert.Equal([(IncidentKind.ConnectivityDegraded, true), (IncidentKind.ConnectivityDegraded, false)], _changes.Select(c => (c.Kind, c.Present)));
    }

    [Theory]
    [InlineData(900, 0.1, "latency_ms", 900, 300)]
    [InlineData(20, 12, "packet_loss_pct", 12, 5)]
    public void Connectivity_TheEvidenceIsTheMeasurementPastItsThreshold(double latency, double loss, string metric, double value, double threshold)
    {
        for (var m = 0; m <= 3; m++)
        {
            Feed("ap-1", TelemetryDomain.Connectivity, Start + (m * Minute), new("latency_ms", latency, false), new("packet_loss_pct", loss, false));
        }

        var raised = Assert.Single(_changes);
        Assert.Equal((metric, value, threshold), (raised.Evidence.Metric, raised.Evidence.Value, raised.Evidence.Baseline));
        Assert.Contains("ngưỡng", raised.Evidence.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AirQuality_RaisedWhenTheHourlyVnAqiEntersKem_ClearedAnHourAfterItIsBack()
    {
        void Hour(int hour, double pm25)
        {
            for (var m = 0; m < 60; m += 10)
            {
                Feed("aq-1", TelemetryDomain.Environment, Start + (hour * 60 * Minute) + (m * Minute), new("pm25_ugm3", pm25, false), new("no2_ugm3", 20, false));
            }
        }

        Hour(0, 20);
        Hour(1, 20);
        Hour(2, 60); // NowCast of [60, 20, 20]: w = ½ → (60 + 10 + 5) / 1.75 = 42.9 → AQI 86: not yet
        Hour(3, 60); // closes hour 2
        Assert.Empty(_changes);

        Hour(4, 60); // closes hour 3: NowCast [60, 60, 20, 20], w = ⅓→½ → (60 + 30 + 5 + 2.5) / 1.875 = 52 → AQI 103, Kém
        var raised = Assert.Single(_changes);
        Assert.Equal((IncidentKind.AirQuality, true, Severity.Minor), (raised.Kind, raised.Present, raised.Severity));
        Assert.Contains("Kém", raised.Evidence.Detail, StringComparison.Ordinal);

        for (var h = 5; h < 20; h++)
        {
            Hour(h, 5);
        }

        Assert.Equal([true, false], _changes.Select(c => c.Present));
    }

    [Fact]
    public void Silence_AfterTwoAndAHalfUsualIntervals_AndBackWhenReadingsResume()
    {
        for (var i = 0; i < 10; i++)
        {
            Feed("net-1", TelemetryDomain.Connectivity, Start + (i * 60_000), new MetricValue("latency_ms", 20 + i, false));
        }

        var last = Start + (9 * 60_000);
        _engine.CheckSilence(last + 149_000, _changes);
        Assert.Empty(_changes);

        _engine.CheckSilence(last + 151_000, _changes);
        _engine.CheckSilence(last + 400_000, _changes); // raised once, not again
        var offline = Assert.Single(_changes);
        Assert.Equal((IncidentKind.DeviceOffline, true), (offline.Kind, offline.Present));
        Assert.Equal(150, offline.Evidence.Baseline); // silent after 2.5 × 60 s

        Feed("net-1", TelemetryDomain.Connectivity, last + 420_000, new MetricValue("latency_ms", 20, false));
        Assert.False(_changes[^1].Present);
    }

    [Fact]
    public void Silence_AFastBurst_IsNotOfflineBeforeTheMinimum_AsOnTheScreens()
    {
        // Issue 14 review: five readings 0.2 s apart (a flushed buffer, a tester with mosquitto_pub) made the device
        // "offline" 2 s later. Silent is never sooner than MinSilence (1 min), the screens' rule too (ReportingRhythm).
        for (var i = 0; i < 5; i++)
        {
            Feed("burst-1", TelemetryDomain.Traffic, Start + (i * 200), new MetricValue("vehicle_count", 3, true));
        }

        _engine.CheckSilence(Start + 800 + 59_000, _changes);
        Assert.Empty(_changes);
        _engine.CheckSilence(Start + 800 + 61_000, _changes);
        Assert.True(Assert.Single(_changes).Present);
    }

    [Theory]
    [InlineData(true)]  // one reading, no interval learnt yet
    [InlineData(false)] // only an "online" status, no reading at all
    public void Silence_ADeviceHeardOnceThenNeverAgain_IsOfflineAfterTheMinimum(bool reading)
    {
        // Issue 14 review: the screens showed such a device offline with no incident (the rule waited for three gaps).
        if (reading)
        {
            Feed("once-1", TelemetryDomain.Traffic, Start, new MetricValue("vehicle_count", 3, true));
        }
        else
        {
            _engine.ObserveStatus("once-1", null, online: true, Start, _changes);
        }

        _engine.CheckSilence(Start + 59_000, _changes);
        Assert.Empty(_changes);
        _engine.CheckSilence(Start + 61_000, _changes);
        Assert.True(Assert.Single(_changes).Present);
    }

    [Fact]
    public void Status_Offline_ThenAReading_TheDeviceIsBack_AsOnTheScreens()
    {
        // Issue 14: a retained "offline" followed by readings. The screens show the device online again (LiveState);
        // the rule clears device_offline on the same evidence, so the two never disagree.
        _engine.ObserveStatus("net-2", null, online: false, Start, _changes);
        Feed("net-2", TelemetryDomain.Connectivity, Start + 5_000, new MetricValue("latency_ms", 20, false));
        Feed("net-2", TelemetryDomain.Connectivity, Start + 15_000, new MetricValue("latency_ms", 21, false));

        Assert.Equal([true, false], _changes.Select(c => c.Present));
        Assert.Equal("rule.silence", _changes[^1].Evidence.Detector);
    }

    [Fact]
    public void AfterARestart_ADeviceWithAnOfflineIncidentLeftOpen_IsClearedByItsFirstReadingOrOnline()
    {
        // Found by hand: the host stopped after the fleet's last wills opened 110 device_offline incidents; after the
        // restart the devices reported and the incidents stayed active for good, the screens showing them online.
        var engine = new RuleEngine(new RuleOptions { OfflineAtStart = id => id is "net-3" or "net-4" });
        engine.Observe(new DeviceSample("net-3", TelemetryDomain.Connectivity, null, Start, [new MetricValue("latency_ms", 20, false)]), _changes);
        engine.Observe(new DeviceSample("net-3", TelemetryDomain.Connectivity, null, Start + 10_000, [new MetricValue("latency_ms", 20, false)]), _changes);
        engine.ObserveStatus("net-4", null, online: true, Start, _changes);
        engine.Observe(new DeviceSample("net-5", TelemetryDomain.Connectivity, null, Start, [new MetricValue("latency_ms", 20, false)]), _changes);

        Assert.Equal([("net-3", false), ("net-4", false)], _changes.Select(c => (c.DeviceId, c.Present)));
        Assert.All(_changes, c => Assert.Equal(IncidentKind.DeviceOffline, c.Kind));
    }

    [Fact]
    public void Status_OfflineRaisesAtOnce_OnlineClears()
    {
        _engine.ObserveStatus("trf-7", "30226", online: false, Start, _changes);
        _engine.ObserveStatus("trf-7", "30226", online: false, Start + 1, _changes);
        _engine.ObserveStatus("trf-7", "30226", online: true, Start + 2, _changes);

        // The repeated "offline" is said again: it updates the open incident, or brings one back if it was closed meanwhile.
        Assert.Equal([true, true, false], _changes.Select(c => c.Present));
        Assert.All(_changes, c => Assert.Equal(IncidentKind.DeviceOffline, c.Kind));
    }

    [Fact]
    public void Stuck_AVaryingMetricFrozen_IsASensorFault_ZerosAndCountsAreNot()
    {
        double[] varying = [10.1, 10.4, 9.8, 10.0, 10.3];
        var minute = 0;
        foreach (var v in varying)
        {
            Feed("aq-2", TelemetryDomain.Environment, Start + (minute++ * Minute), new("humidity_pct", v, false), new("noise_dba", 0, false), new("clients", 3, true));
        }

        for (var i = 0; i < 11; i++)
        {
            Feed("aq-2", TelemetryDomain.Environment, Start + (minute++ * Minute), new("humidity_pct", 55.5, false), new("noise_dba", 0, false), new("clients", 3, true));
        }

        Assert.Empty(_changes);
        Feed("aq-2", TelemetryDomain.Environment, Start + (minute++ * Minute), new("humidity_pct", 55.5, false), new("noise_dba", 0, false), new("clients", 3, true));
        var fault = Assert.Single(_changes);
        Assert.Equal((IncidentKind.SensorFault, true, "humidity_pct"), (fault.Kind, fault.Present, fault.Evidence.Metric));

        Feed("aq-2", TelemetryDomain.Environment, Start + (minute * Minute), new("humidity_pct", 56.1, false), new("noise_dba", 0, false), new("clients", 3, true));
        Assert.False(_changes[^1].Present);
    }

    [Fact]
    public void CleanSimulatedFleet_TwoDaysAtOneMinute_RaisesNothing()
    {
        var fleet = FleetPlan.Create(new FleetOptions { Traffic = 22, Environment = 22, Connectivity = 22, Seed = 11 }, Geography.TestPack.DongThap);
        var parser = new TelemetryPayloadParser(new ContractLimits { MaxAge = TimeSpan.FromDays(3650) });
        var batch = new TelemetryBatch();
        for (long t = Start; t < Start + (2 * 24 * 60 * Minute); t += Minute)
        {
            foreach (var device in fleet)
            {
                parser.Parse(new System.Buffers.ReadOnlySequence<byte>(device.NextPayload(t)), t, batch, out _);
                _engine.Observe(new DeviceSample(device.Record.Id, device.Record.Domain, device.Record.Area, batch.TimestampMs(0), batch.Metrics(0)), _changes);
            }

            _engine.CheckSilence(t, _changes);
        }

        Assert.Empty(_changes);
    }

    [Fact]
    public void AreaOutage_WhenMostOfAnAreaFallsSilentTogether()
    {
        for (var i = 0; i < 10; i++)
        {
            foreach (var device in new[] { "a1", "a2", "a3", "a4" })
            {
                _engine.Observe(new DeviceSample(device, TelemetryDomain.Connectivity, "30010", Start + (i * Minute), [new MetricValue("latency_ms", 20 + i, false)]), _changes);
            }

            _engine.Observe(new DeviceSample("b1", TelemetryDomain.Connectivity, "30169", Start + (i * Minute), [new MetricValue("latency_ms", 20 + i, false)]), _changes);
        }

        // a1–a3 go silent; a4 and the other area keep reporting.
        for (var i = 10; i < 14; i++)
        {
            _engine.Observe(new DeviceSample("a4", TelemetryDomain.Connectivity, "30010", Start + (i * Minute), [new MetricValue("latency_ms", 20, false)]), _changes);
            _engine.Observe(new DeviceSample("b1", TelemetryDomain.Connectivity, "30169", Start + (i * Minute), [new MetricValue("latency_ms", 20, false)]), _changes);
            _engine.CheckSilence(Start + (i * Minute), _changes);
        }

        var outage = Assert.Single(_changes, c => c.Kind == IncidentKind.AreaOutage);
        Assert.Equal(("30010", Severity.Critical, true), (outage.Area, outage.Severity, outage.Present));
        Assert.Equal(3, _changes.Count(c => c.Kind == IncidentKind.DeviceOffline && c.Present));
    }

    [Fact]
    public void AreaOutage_SaysWhichCommune_ByItsNameInThePack()
    {
        var dongThap = Geography.TestPack.DongThap;
        var engine = new RuleEngine(new RuleOptions { AreaName = code => dongThap.FindArea(code)?.Name ?? code });
        var changes = new List<ConditionChange>();
        foreach (var device in new[] { "a1", "a2", "a3" })
        {
            engine.Observe(new DeviceSample(device, TelemetryDomain.Connectivity, "29905", Start, [new MetricValue("latency_ms", 20, false)]), changes);
            engine.ObserveStatus(device, "29905", online: false, Start + Minute, changes);
        }

        engine.CheckSilence(Start + (2 * Minute), changes);

        var outage = Assert.Single(changes, c => c.Kind == IncidentKind.AreaOutage);
        Assert.Equal("29905", outage.Area);
        Assert.Equal("3/3 thiết bị ở Phường Sa Đéc mất tín hiệu / 3 of 3 devices in Phường Sa Đéc are offline", outage.Evidence.Detail);
    }
}
