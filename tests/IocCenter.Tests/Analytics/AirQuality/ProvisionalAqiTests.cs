using FsCheck;
using FsCheck.Fluent;
using IocCenter.Analytics.AirQuality;
using IocCenter.Analytics.Detectors;
using IocCenter.Telemetry;

namespace IocCenter.Tests.Analytics.AirQuality;

/// <summary>
/// The provisional ("tạm tính") VN_AQI of <see cref="StationAqi"/>: six 5-minute bins, each weighing the same, the
/// highest lowered to the second, PM through the NowCast as this hour's mean; hand-computed where it matters.
/// </summary>
public class ProvisionalAqiTests
{
    private const long Minute = 60_000;
    private static readonly long Start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    private static void Feed(StationAqi aqi, long at, double pm25) =>
        aqi.Observe(new DeviceSample("aq-1", TelemetryDomain.Environment, null, at, [new MetricValue("pm25_ugm3", pm25, false)]));

    /// <summary>Hours of steady PM2.5, one reading a minute, from <see cref="Start"/>.</summary>
    private static StationAqi CleanHours(int hours, double pm25)
    {
        var aqi = new StationAqi();
        for (var m = 0; m < hours * 60; m++)
        {
            Feed(aqi, Start + (m * Minute), pm25);
        }

        return aqi;
    }

    [Fact]
    public void Provisional_HandComputed_HalfAnHourOfWhichFifteenMinutesAt300_AfterElevenCleanHours()
    {
        var aqi = CleanHours(12, 20); // hours 0–11 closed at 20 once hour 12 starts
        var hour12 = Start + (12 * 60 * Minute);
        for (var m = 0; m < 30; m++)
        {
            Feed(aqi, hour12 + (m * Minute), m < 15 ? 20 : 300);
        }

        // Bins 0–5 of hour 12: 20, 20, 20, 300, 300, 300 → highest lowered to the second (300): mean 160.
        // NowCast of [160, 20 × 11]: w = ½ → (160 + 20 × 0.99951171875) / 1.99951171875 = 90.017 µg/m³
        // → 150 + 50/70 × 10.017 = 157.15 → 157, Xấu.
        var p = aqi.Provisional!.Value;
        Assert.Equal((157, AqiPollutant.Pm25, 30), (p.Value, p.Dominant, p.Minutes));
        Assert.Equal(160, p.Concentration, 3);
        Assert.Equal("Xấu", p.Category.NameVi);
        Assert.Equal(p, aqi.Warning);
    }

    [Fact]
    public void Provisional_NewStation_WithoutHistory_IsTheRecentLevelItself()
    {
        var aqi = new StationAqi();
        for (var m = 0; m < 15; m++)
        {
            Feed(aqi, Start + (m * Minute), 300);
        }

        // 300 µg/m³ as the hour's NowCast: 300 + 100/100 × 50 = 350, Nguy hại. No hourly index exists yet.
        Assert.Equal(350, aqi.Provisional!.Value.Value);
        Assert.Null(aqi.LastHour);
    }

    [Fact]
    public void Provisional_NeedsThreeBins_ABurstInOneMinuteIsNoLevel()
    {
        var aqi = new StationAqi();
        for (var i = 0; i < 100; i++)
        {
            Feed(aqi, Start + (i * 500), 400); // a device flushing 100 buffered readings within a minute
        }

        Assert.Null(aqi.Provisional);
        Feed(aqi, Start + (6 * Minute), 400);
        Assert.Null(aqi.Provisional); // two bins
        Feed(aqi, Start + (11 * Minute), 400);
        Assert.NotNull(aqi.Provisional); // three: readings across more than five minutes
    }

    [Fact]
    public void Provisional_OneAbsurdReading_DoesNotWarn()
    {
        var aqi = CleanHours(3, 15);
        var now = Start + (3 * 60 * Minute);
        for (var m = 0; m < 30; m++)
        {
            Feed(aqi, now + (m * Minute), m == 17 ? 10_000 : 15); // one reading the contract accepts (≤ 10,000)
        }

        Assert.True(aqi.Provisional!.Value.Value <= 100, $"provisional {aqi.Provisional}");
        Assert.Null(aqi.Warning);
    }

    [Fact]
    public void Provisional_IrregularSampling_EachFiveMinutesWeighTheSame()
    {
        var aqi = new StationAqi();
        // Bins 0–2: thirty readings each at 20 µg/m³; bins 3–5: one reading each at 200. By readings the mean would be
        // 35.8; by time it is (3 × 20 + 3 × 200 − 200 + 200) / 6 = 110.
        for (var bin = 0; bin < 6; bin++)
        {
            var n = bin < 3 ? 30 : 1;
            for (var i = 0; i < n; i++)
            {
                Feed(aqi, Start + (bin * 5 * Minute) + (i * 10_000), bin < 3 ? 20 : 200);
            }
        }

        Assert.Equal(110, aqi.Provisional!.Value.Concentration, 3);
    }

    [Fact]
    public void Provisional_AfterAGap_OnlyTheBinsSinceCount()
    {
        var aqi = new StationAqi();
        for (var m = 0; m < 30; m++)
        {
            Feed(aqi, Start + (m * Minute), 300);
        }

        Assert.NotNull(aqi.Provisional);
        Feed(aqi, Start + (75 * Minute), 300); // silent 45 minutes: one bin of data in the last half hour
        Assert.Null(aqi.Provisional);
        Assert.Null(aqi.Warning);

        // Out of order inside the window goes to its own bin; older than the window is left out.
        Feed(aqi, Start + (66 * Minute), 300);
        Feed(aqi, Start + (20 * Minute), 300);
        Assert.Null(aqi.Provisional);
        Feed(aqi, Start + (71 * Minute), 300);
        Assert.NotNull(aqi.Provisional);
    }

    [Fact]
    public void Provisional_HostileValues_AreSkippedOrHeld()
    {
        var aqi = new StationAqi();
        double[] values = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -5, -double.MaxValue, double.MaxValue, 1e-320, -0.0];
        for (var m = 0; m < 30; m++)
        {
            Feed(aqi, Start + (m * Minute), values[m % values.Length]);
        }

        // NaN and ±∞ skipped; negatives count as 0; double.MaxValue as 500 (PM2.5's last breakpoint): 1 bin in 6
        // holds it at most, and the highest bin is lowered to the second.
        var p = aqi.Provisional!.Value;
        Assert.InRange(p.Value, 0, 500);
        Assert.True(double.IsFinite(p.Concentration) && p.Concentration >= 0);
    }

    [Fact]
    public void Warning_HeldUntilTheHourCloses_ThenTheHourlyIndexReplacesIt()
    {
        var aqi = CleanHours(12, 20);
        var hour12 = Start + (12 * 60 * Minute);
        for (var m = 0; m < 9; m++)
        {
            Feed(aqi, hour12 + (m * Minute), 300);
            Assert.Null(aqi.Provisional); // the first ten minutes of an hour have no provisional index: two bins
        }

        var peak = 0;
        for (var m = 9; m < 60; m++)
        {
            Feed(aqi, hour12 + (m * Minute), m < 30 ? 300 : 20);
            if (m >= 10)
            {
                // Reached Xấu at minute 10; held at the hour's highest while the index falls back through Kém and below.
                peak = Math.Max(peak, aqi.Provisional!.Value.Value);
                Assert.Equal(peak, aqi.Warning!.Value.Value);
            }
        }

        Assert.True(aqi.Provisional!.Value.Value <= 100, $"provisional {aqi.Provisional}");
        Assert.True(aqi.Warning!.Value.Value > StationAqi.WarnAbove, $"warning {aqi.Warning}"); // never a "warning" in Tốt
        Feed(aqi, hour12 + (60 * Minute), 20); // hour 13 begins: hour 12 closes
        Assert.Null(aqi.Warning);
        Assert.Null(aqi.Provisional); // the new hour's own readings only
        // Hour 12: 30 minutes at 300, 30 at 20 → mean 160; NowCast [160, 20 × 11] → 90.02 → 157 (as the provisional said at minute 30).
        Assert.Equal(157, aqi.LastHour!.Value);
    }

    /// <summary>Any sequence of readings (times jumping forwards and back, any value of any sign or size) never throws, and the index stays in range.</summary>
    [Fact]
    public void Provisional_AnyReadings_NeverThrows_AndStaysWithinBounds()
    {
        var value = Gen.OneOf(
            Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0, -0.0, double.Epsilon, 1e-320, -1, 1e15, double.MaxValue, -double.MaxValue, 499.9, 500, 500.1, 10_000),
            Gen.Choose(-1000, 20_000).Select(i => i / 10.0),
            Gen.Choose(int.MinValue, int.MaxValue).Two().Select(p => BitConverter.Int64BitsToDouble(((long)p.Item1 << 32) | (uint)p.Item2)));
        var step = Gen.OneOf(Gen.Choose(0, 120), Gen.Choose(-600, 600), Gen.Elements(3_600, 7_200, 86_400, -86_400)).Select(s => s * 1000L);
        var metric = Gen.Elements("pm25_ugm3", "pm10_ugm3", "o3_ugm3", "no2_ugm3", "so2_ugm3", "co_ugm3", "humidity_pct");
        var reading = Gen.Zip(step, Gen.Zip(metric, value), (dt, m) => (Step: dt, Metric: m.Item1, Value: m.Item2)).Two();
        var property = Prop.ForAll(reading.ArrayOf().ToArbitrary(), readings =>
        {
            var aqi = new StationAqi();
            var t = Start;
            foreach (var (a, b) in readings)
            {
                t += a.Step;
                aqi.Observe(new DeviceSample("aq-1", TelemetryDomain.Environment, null, t, [new(a.Metric, a.Value, false), new(b.Metric, b.Value, false)]));
                if (aqi.Provisional is { } p)
                {
                    Assert.InRange(p.Value, 0, 500);
                    Assert.InRange(p.Minutes, StationAqi.BinMinutes, StationAqi.Bins * StationAqi.BinMinutes);
                    Assert.True(double.IsFinite(p.Concentration) && p.Concentration >= 0 && p.Concentration <= VnAqi.Ceiling(p.Dominant), $"concentration {p.Concentration}");
                }

                if (aqi.LastHour is { } h)
                {
                    Assert.InRange(h.Value, 0, 500);
                }

                if (aqi.Warning is { } w)
                {
                    Assert.True(w.Value > StationAqi.KemAbove);
                }
            }
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }
}
