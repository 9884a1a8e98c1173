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
}
