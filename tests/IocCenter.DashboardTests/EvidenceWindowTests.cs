using IocCenter.Analytics.Incidents;
using IocCenter.Dashboard.Api;

namespace IocCenter.DashboardTests;

/// <summary>
/// The time an incident's chart covers. Found by hand (issue 16): readings sent back-dated in one go raised an
/// incident whose chart showed the hour they arrived in, not the readings the detector judged — as a device that
/// kept its readings through an outage would.
/// </summary>
public sealed class EvidenceWindowTests
{
    private static readonly DateTimeOffset Opened = new(2026, 12, 3, 2, 0, 0, TimeSpan.FromHours(7));

    private static Incident Raised(DateTimeOffset? readingAt, DateTimeOffset? clearedAt = null) =>
        new(1, IncidentKind.Anomaly, "device:tram-1", "tram-1", null, Severity.Warning, IncidentState.Open, clearedAt is null, Opened, Opened,
            clearedAt, null, null, null, null, null, 1, 0, new Evidence("shift", 1, "muc_nuoc_cm", 80, 50, ReadingAt: readingAt));

    [Fact]
    public void AReadingTakenWhenTheIncidentOpened_TheHourBeforeToHalfAnHourAfterItEnded()
    {
        var now = Opened.AddHours(3);
        Assert.Equal((Opened.AddHours(-1), now), ApiEndpoints.EvidenceWindow(Raised(Opened.AddSeconds(-2)), now));
        Assert.Equal((Opened.AddHours(-1), Opened.AddMinutes(70)), ApiEndpoints.EvidenceWindow(Raised(Opened.AddSeconds(-2), Opened.AddMinutes(40)), now));
        Assert.Equal((Opened.AddHours(-1), Opened.AddMinutes(10)), ApiEndpoints.EvidenceWindow(Raised(null), Opened.AddMinutes(10)));
    }

    [Fact]
    public void AReadingSentLate_TheChartFollowsTheReadingsOwnTime()
    {
        var taken = Opened.AddHours(-5); // kept through a five-hour outage, sent when the link came back
        Assert.Equal((taken.AddHours(-1), taken.AddMinutes(30)), ApiEndpoints.EvidenceWindow(Raised(taken), Opened.AddMinutes(1)));

        // Five minutes late or less is the ordinary delay of a batch: the window stays on the incident.
        Assert.Equal((Opened.AddHours(-1), Opened.AddMinutes(1)), ApiEndpoints.EvidenceWindow(Raised(Opened.AddMinutes(-5)), Opened.AddMinutes(1)));
    }

    [Fact]
    public void ADeviceSilentForHours_IsChartedFromAnHourBeforeItsLastReading()
    {
        var silent = new Incident(2, IncidentKind.DeviceOffline, "device:tram-1", "tram-1", null, Severity.Major, IncidentState.Open, true, Opened, Opened,
            null, null, null, null, null, null, 1, 0, new Evidence("rule.silence", 1, Value: 5 * 3600, Baseline: 60, ReadingAt: Opened));
        Assert.Equal((Opened.AddHours(-6), Opened.AddMinutes(2)), ApiEndpoints.EvidenceWindow(silent, Opened.AddMinutes(2)));

        // A silence is at most a week back, whatever the evidence says.
        var absurd = silent with { Evidence = silent.Evidence with { Value = 1e300 } };
        Assert.Equal(Opened.AddDays(-7).AddHours(-1), ApiEndpoints.EvidenceWindow(absurd, Opened.AddMinutes(2)).Since);
    }

    [Fact]
    public void AnIncidentWithoutAMetric_IsChartedByOneTheDeviceSends()
    {
        // The kind's usual metric when the device sends it (or nothing is known of it yet)...
        Assert.Equal("pm25_ugm3", ApiEndpoints.EvidenceMetric(IncidentKind.AirQuality, IocCenter.Telemetry.TelemetryDomain.Environment, new Dictionary<string, double> { ["pm25_ugm3"] = 40, ["muc_nuoc_cm"] = 50 }));
        Assert.Equal("avg_speed_kmh", ApiEndpoints.EvidenceMetric(IncidentKind.Congestion, IocCenter.Telemetry.TelemetryDomain.Traffic, new Dictionary<string, double>()));

        // ...otherwise one it does send: found by hand, a water-level station's offline incident was charted by PM2.5, empty.
        Assert.Equal("muc_nuoc_cm", ApiEndpoints.EvidenceMetric(IncidentKind.DeviceOffline, IocCenter.Telemetry.TelemetryDomain.Environment, new Dictionary<string, double> { ["muc_nuoc_cm"] = 50 }));
        Assert.Equal("no2_ugm3", ApiEndpoints.EvidenceMetric(IncidentKind.DeviceOffline, IocCenter.Telemetry.TelemetryDomain.Environment, new Dictionary<string, double> { ["muc_nuoc_cm"] = 50, ["no2_ugm3"] = 20 }));
    }
}
