using IocCenter.Analytics;
using IocCenter.Analytics.Detectors;

namespace IocCenter.Tests.Analytics.Detectors;

/// <summary>
/// Issue 16: the calibrated stage's point p is no smaller than the series' own record of distances says (a distance no
/// larger than the largest of the last few thousand readings is at most one in 3,000; beyond it p falls as the tail
/// does). Its exponential tail is fitted to many small excesses, so a series whose normal life has a few large jumps
/// had its next jump, a little larger than the last, put at one in billions: the simulator's clean links (latency
/// jumping by up to 80 ms now and then) raised 3 of the 7 false incidents of seeds 1–20 so. The record grows at most
/// twofold a reading, so one anomaly does not make the next one ordinary. A reading a minute, as the simulator's links.
/// </summary>
public class CalibratedRecordTests
{
    private const double Threshold = AnalyticsOptions.DefaultAnomalyThreshold;
    private const long Minute = 60_000;
    private static readonly long Start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>
    /// A link as the simulator's (ConnectivityModel): 15 ms, a half-normal jitter of a quarter of that, and one reading in
    /// 300 jumping by up to 80 ms. Returns the calibrated stage's alarm starts ("point" or "shift", not the spike rule,
    /// which judges by its own tail) at the default threshold after the first day, and the readings' count.
    /// </summary>
    private static (List<int> Starts, int Readings) CalibratedAlarms(int seed, int days, Func<int, double>? extra = null, bool anyDetector = false)
    {
        var random = new Random(seed);
        var detector = new SeriesDetector();
        var starts = new List<int>();
        var above = false;
        var readings = days * 1440;
        for (var i = 0; i < readings; i++)
        {
            var jump = random.NextDouble() < 1 / 300.0 ? random.NextDouble() * 80 : 0;
            var value = 15 + (Math.Abs(CalibratedScoresTests.Gaussian(random)) * 3.75) + jump + (extra?.Invoke(i) ?? 0);
            var score = detector.Observe(Start + (i * Minute), Math.Round(value, 1));
            var high = score.Score >= Threshold && (anyDetector || score.Detector is "point" or "shift");
            if (high && !above && i >= 1440)
            {
                starts.Add(i);
            }

            above = high;
        }

        return (starts, readings);
    }

    /// <summary>
    /// A link whose jumps are its normal life: over 40 seeds of three days (the first not counted), the calibrated stage
    /// raises at most 20 alarms. Measured: 19 with the record, 23 before it. Most of what is left are jumps larger than
    /// any the link had shown before; the record only forgives what it has seen, growing twofold a reading.
    /// </summary>
    [Fact]
    public void ALinkWhoseJumpsAreItsNormalLife_IsNotAnAlarmOnEachLargerJump()
    {
        var alarms = Enumerable.Range(1, 40).Select(seed => CalibratedAlarms(seed, 3).Starts.Count).ToList();
        Assert.True(alarms.Sum() <= 20, $"alarm starts per seed: {string.Join(", ", alarms)}");
    }

    /// <summary>
    /// The record forgives what the series has shown, not what it has not: on the same link, a jump of 200 ms (the
    /// simulator's spike anomaly on such a link: 8 × 15 + 60 = 180 ms above nothing, well past its 80 ms jumps) on the
    /// third day is an alarm of the calibrated stage on every one of 40 seeds.
    /// </summary>
    [Fact]
    public void AJumpWellPastTheRecord_IsStillAnAlarm()
    {
        const int at = (2 * 1440) + 600;
        var missed = Enumerable.Range(1, 40).Where(seed => !CalibratedAlarms(seed, 3, i => i == at ? 200 : 0, anyDetector: true).Starts.Contains(at)).ToList();
        Assert.True(missed.Count == 0, $"missed on seeds {string.Join(", ", missed)}");
    }

    /// <summary>
    /// One anomaly does not make the next one ordinary: a quiet series (level 50, σ = 2) with a 40σ jump on its second day
    /// and the same jump 200 readings later: both are alarms of the calibrated stage, on every one of 20 seeds (the record
    /// grows at most twofold a reading, so the first jump lifted it from about 4σ to 8σ, not to 40σ).
    /// </summary>
    [Fact]
    public void OneAnomaly_DoesNotMakeTheNextOrdinary()
    {
        const int first = 1440 + 300, second = first + 200;
        var missed = new List<string>();
        foreach (var seed in Enumerable.Range(1, 20))
        {
            var random = new Random(seed);
            var detector = new SeriesDetector();
            var scores = new Dictionary<int, SeriesScore>();
            for (var i = 0; i <= second; i++)
            {
                var score = detector.Observe(Start + (i * Minute), 50 + (2 * CalibratedScoresTests.Gaussian(random)) + (i is first or second ? 80 : 0));
                scores[i] = score;
            }

            if (!(scores[first].Score >= Threshold && scores[second].Score >= Threshold))
            {
                missed.Add($"seed {seed}: {scores[first].Score:R} / {scores[second].Score:R}");
            }
        }

        Assert.True(missed.Count == 0, string.Join("; ", missed));
    }
}
