using IocCenter.Analytics.Detectors;

namespace IocCenter.Tests.Analytics.Detectors;

public class SeasonalBaselineTests
{
    private const double TenSeconds = 10.0 / 3600;

    /// <summary>A day of samples every 10 s at <paramref name="valueAt"/>(hour of day), fed as the detector feeds them.</summary>
    private static void Day(ref SeasonalBaseline baseline, Func<double, double> valueAt)
    {
        for (var s = 0; s < 8640; s++)
        {
            var position = (s * TenSeconds) - 0.5;
            var low = (int)Math.Floor(position);
            var fraction = position - low;
            baseline.Observe((low + 24) % 24, (low + 25) % 24, fraction, valueAt(s * TenSeconds), TenSeconds);
        }
    }

    [Fact]
    public void FirstDay_BinsHoldTheHoursAverage_AndAreWarm()
    {
        var baseline = new SeasonalBaseline();
        Day(ref baseline, h => 100 + (10 * Math.Sin(h / 24 * 2 * Math.PI)));

        for (var bin = 1; bin < 23; bin++)
        {
            Assert.True(baseline.Warmed(bin), $"bin {bin} is not warm after a day");
            Assert.InRange(baseline.Mean(bin), 100 + (10 * Math.Sin((bin + 0.5) / 24 * 2 * Math.PI)) - 0.6, 100 + (10 * Math.Sin((bin + 0.5) / 24 * 2 * Math.PI)) + 0.6);
        }

        Assert.False(baseline.Warmed(30), "a weekend bin saw nothing");
    }

    [Fact]
    public void SlowDrift_IsFollowed_ThoughEachStepIsBelowHalfPrecision()
    {
        // +0.02 % a day, on a value of 1,000: each 10-minute step moves the bin by less than half precision's
        // resolution there (0.5), so only unbiased rounding lets them add up.
        var baseline = new SeasonalBaseline();
        var level = 1000.0;
        for (var day = 0; day < 60; day++)
        {
            var today = level;
            Day(ref baseline, _ => today);
            level *= 1.0002;
        }

        Assert.InRange(baseline.Mean(12), level * 0.9975, level * 1.0005);
        Assert.True(baseline.Mean(12) > 1008, $"the bin stayed at {baseline.Mean(12)} while the series rose to {level:0.0}");
    }

    [Fact]
    public void ValuesFarAboveTheFirst_WidenTheUnit_InsteadOfOverflowing()
    {
        var baseline = new SeasonalBaseline();
        Day(ref baseline, h => h < 1 ? 0.5 : 5_000_000);

        Assert.InRange(baseline.Mean(12), 4_990_000, 5_010_000);
        Assert.True(double.IsFinite(baseline.Deviation(12)));
    }

    [Fact]
    public void Deviation_IsTheTypicalDistanceFromTheMean()
    {
        var baseline = new SeasonalBaseline();
        var random = new Random(7);
        for (var day = 0; day < 5; day++)
        {
            Day(ref baseline, _ => 50 + (random.NextDouble() < 0.5 ? -2 : 2));
        }

        Assert.InRange(baseline.Mean(8), 49.5, 50.5);
        Assert.InRange(baseline.Deviation(8), 1.8, 2.2);
    }
}
