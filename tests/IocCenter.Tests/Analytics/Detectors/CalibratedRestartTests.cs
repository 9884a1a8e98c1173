using IocCenter.Analytics;
using IocCenter.Analytics.Detectors;

namespace IocCenter.Tests.Analytics.Detectors;

/// <summary>
/// Issue 16: a clear shift (the recent median 3σ or more from the mean) that the calibrated stage has held rare for 20
/// readings becomes the series' new level: the mean moves to it and the CUSUMs restart, and its climb is learnt only
/// when the episode is over (the series came back, or moved on to another level). Before, the CUSUM's tail learnt the
/// climb from its 21st reading, so a second change during the first was learnt as it came and missed. A shift that
/// recurs still becomes ordinary (its first episode is learnt when it ends), and the way back is not a second alarm.
/// A reading a second, level 50, σ = 2, as the pump sensors.
/// </summary>
public class CalibratedRestartTests
{
    private const double Threshold = AnalyticsOptions.DefaultAnomalyThreshold;
    private const long Interval = 1_000;
    private static readonly long Start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>Alarm starts (a reading at the threshold after one below it), as reading indexes.</summary>
    private static List<int> AlarmStarts(int seed, int readings, Func<int, double> offset)
    {
        var random = new Random(seed);
        var detector = new SeriesDetector();
        var starts = new List<int>();
        var above = false;
        for (var i = 0; i < readings; i++)
        {
            var score = detector.Observe(Start + (i * Interval), 50 + offset(i) + (2 * CalibratedScoresTests.Gaussian(random))).Score;
            if (score >= Threshold && !above)
            {
                starts.Add(i);
            }

            above = score >= Threshold;
        }

        return starts;
    }

    /// <summary>
    /// A 5σ shift for 1,000 readings, then 5σ further (or back past the old level to 5σ above it): the second change is an
    /// alarm of its own, started within 30 readings, on all 20 seeds. Measured before: found on 0 (and 4) of 20.
    /// </summary>
    [Theory]
    [InlineData(10.0, 20.0)]
    [InlineData(-10.0, 10.0)]
    public void ASecondChangeDuringALastingShift_IsAnAlarmOfItsOwn(double first, double second)
    {
        const int before = 2_000, during = 1_000;
        var missed = new List<string>();
        foreach (var seed in Enumerable.Range(1, 20))
        {
            var starts = AlarmStarts(seed, before + during + 300, i => i < before ? 0 : i < before + during ? first : second);
            Assert.DoesNotContain(starts, s => s < before);
            if (!starts.Any(s => s >= before + during && s < before + during + 30))
            {
                missed.Add($"seed {seed}: alarm starts {string.Join(", ", starts.Select(s => s - before))} (readings from the first shift)");
            }
        }

        Assert.True(missed.Count == 0, string.Join("; ", missed));
    }

    /// <summary>
    /// A shift that lasts (4σ for 3,000 readings, 2σ for 1,000) and then goes back: at most one alarm, at the shift's
    /// start, and nothing on the new level or on the way back (20 seeds each). Measured before: the 2σ shift alarmed
    /// twice on seed 12.
    /// </summary>
    [Theory]
    [InlineData(8.0, 3_000)]
    [InlineData(4.0, 1_000)]
    public void ALastingShift_IsOneAlarm_TheNewLevelAndTheWayBackRaiseNothing(double offset, int during)
    {
        const int before = 2_000, after = 1_000;
        foreach (var seed in Enumerable.Range(1, 20))
        {
            var starts = AlarmStarts(seed, before + during + after, i => i >= before && i < before + during ? offset : 0);
            Assert.True(starts.Count <= 1 && starts.All(s => s >= before && s < before + 40), $"seed {seed}: alarm starts at {string.Join(", ", starts.Select(s => s - before))} (readings from the shift)");
            if (offset >= 8)
            {
                Assert.True(starts.Count == 1, $"seed {seed}: a 4σ shift of {during} readings raised nothing");
            }
        }
    }

    /// <summary>
    /// A shift that recurs (a pump's duty cycle: 3σ up for 400 readings, back for 400, ten times; or 3σ excursions of 60
    /// readings every 600) is one alarm, its first, on all 20 seeds: its first episode is learnt when it ends. Restarting
    /// without learning the episode at all alarmed at every one (an independent review: 40 → 400 over 40 seeds).
    /// </summary>
    [Theory]
    [InlineData(400, 800)]
    [InlineData(60, 600)]
    public void AShiftThatRecurs_IsOneAlarm(int up, int period)
    {
        const int before = 4_000;
        foreach (var seed in Enumerable.Range(1, 20))
        {
            var starts = AlarmStarts(seed, before + (10 * period), i => i >= before && (i - before) % period < up ? 6 : 0);
            Assert.True(starts.Count == 1 && starts[0] >= before && starts[0] < before + 40, $"seed {seed}: alarm starts at {string.Join(", ", starts.Select(s => s - before))} (readings from the first episode)");
        }
    }
}
