using IocCenter.Analytics.AirQuality;

namespace IocCenter.Tests.Analytics.AirQuality;

/// <summary>Cases computed by hand from QĐ 1459/QĐ-TCMT: AQIx = (I(i+1) − Ii) / (BP(i+1) − BPi) × (Cx − BPi) + Ii.</summary>
public class VnAqiTests
{
    public static TheoryData<AqiPollutant, double, int> Breakpoints() => new()
    {
        // Every breakpoint of every pollutant lands exactly on its level.
        { AqiPollutant.Pm25, 0, 0 }, { AqiPollutant.Pm25, 25, 50 }, { AqiPollutant.Pm25, 50, 100 }, { AqiPollutant.Pm25, 80, 150 },
        { AqiPollutant.Pm25, 150, 200 }, { AqiPollutant.Pm25, 250, 300 }, { AqiPollutant.Pm25, 350, 400 }, { AqiPollutant.Pm25, 500, 500 },
        { AqiPollutant.Pm10, 50, 50 }, { AqiPollutant.Pm10, 150, 100 }, { AqiPollutant.Pm10, 250, 150 }, { AqiPollutant.Pm10, 350, 200 },
        { AqiPollutant.Pm10, 420, 300 }, { AqiPollutant.Pm10, 500, 400 }, { AqiPollutant.Pm10, 600, 500 },
        { AqiPollutant.O3, 160, 50 }, { AqiPollutant.O3, 200, 100 }, { AqiPollutant.O3, 300, 150 }, { AqiPollutant.O3, 400, 200 },
        { AqiPollutant.O3, 800, 300 }, { AqiPollutant.O3, 1000, 400 }, { AqiPollutant.O3, 1200, 500 },
        { AqiPollutant.No2, 100, 50 }, { AqiPollutant.No2, 200, 100 }, { AqiPollutant.No2, 700, 150 }, { AqiPollutant.No2, 1200, 200 },
        { AqiPollutant.No2, 2350, 300 }, { AqiPollutant.No2, 3100, 400 }, { AqiPollutant.No2, 3850, 500 },
        { AqiPollutant.So2, 125, 50 }, { AqiPollutant.So2, 350, 100 }, { AqiPollutant.So2, 550, 150 }, { AqiPollutant.So2, 800, 200 },
        { AqiPollutant.So2, 1600, 300 }, { AqiPollutant.So2, 2100, 400 }, { AqiPollutant.So2, 2630, 500 },
        { AqiPollutant.Co, 10000, 50 }, { AqiPollutant.Co, 30000, 100 }, { AqiPollutant.Co, 45000, 150 }, { AqiPollutant.Co, 60000, 200 },
        { AqiPollutant.Co, 90000, 300 }, { AqiPollutant.Co, 120000, 400 }, { AqiPollutant.Co, 150000, 500 },

        // Around them: 50 + 50/25 × 0.1 = 50.2; 100 + 50/30 × 0.1 = 100.17; 150 + 50/70 × 0.3 = 150.21; 150 + 50/70 × 0.7 = 150.5 → 151.
        { AqiPollutant.Pm25, 25.1, 50 }, { AqiPollutant.Pm25, 24.9, 50 }, { AqiPollutant.Pm25, 50.1, 100 }, { AqiPollutant.Pm25, 80.3, 150 },
        { AqiPollutant.Pm25, 80.7, 151 }, { AqiPollutant.Pm25, 12.5, 25 }, { AqiPollutant.Pm25, 25.25, 51 }, { AqiPollutant.Pm25, 151, 201 },
        // 100 + 50/100 × 1 = 100.5 → 101 (Kém); 200 + 100/70 × 1 = 201.43 → 201 (Rất xấu).
        { AqiPollutant.Pm10, 151, 101 }, { AqiPollutant.Pm10, 351, 201 }, { AqiPollutant.Pm10, 420.5, 301 },
        // 50 + 50/40 × 10 = 62.5 → 63; 100 + 50/500 × 50 = 105.
        { AqiPollutant.O3, 170, 63 }, { AqiPollutant.No2, 250, 105 },
        // Beyond the last breakpoint the index stays at 500.
        { AqiPollutant.Pm25, 900, 500 }, { AqiPollutant.Co, 400000, 500 },
    };

    [Theory]
    [MemberData(nameof(Breakpoints))]
    public void SubIndex_HandComputed(AqiPollutant pollutant, double concentration, int expected) =>
        Assert.Equal(expected, VnAqi.Round(VnAqi.SubIndex(pollutant, concentration)));

    [Theory]
    [InlineData(0, "Tốt", "#00E400")]
    [InlineData(50, "Tốt", "#00E400")]
    [InlineData(51, "Trung bình", "#FFFF00")]
    [InlineData(100, "Trung bình", "#FFFF00")]
    [InlineData(101, "Kém", "#FF7E00")]
    [InlineData(150, "Kém", "#FF7E00")]
    [InlineData(151, "Xấu", "#FF0000")]
    [InlineData(200, "Xấu", "#FF0000")]
    [InlineData(201, "Rất xấu", "#8F3F97")]
    [InlineData(300, "Rất xấu", "#8F3F97")]
    [InlineData(301, "Nguy hại", "#7E0023")]
    [InlineData(500, "Nguy hại", "#7E0023")]
    public void Category_FollowsTable1(int aqi, string name, string color)
    {
        var category = AqiCategory.Of(aqi);
        Assert.Equal((name, color), (category.NameVi, category.ColorHex));
    }

    [Fact]
    public void NowCast_SteadyHours_IsTheirValue() =>
        Assert.Equal(40, VnAqi.NowCast(Enumerable.Repeat(40.0, 12).ToArray())!.Value, 9);

    [Fact]
    public void NowCast_SharpRise_UsesWeightOneHalf()
    {
        // w* = 20/60 < ½ → w = ½: (60 + 20 × Σ½ᵏ, k=1..11) / Σ½ᵏ, k=0..11 = 79.990234375 / 1.99951171875.
        double[] hours = [60, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20];

        var nowCast = VnAqi.NowCast(hours)!.Value;

        Assert.Equal(79.990234375 / 1.99951171875, nowCast, 9);
        Assert.Equal(40.0049, nowCast, 3);
    }

    [Fact]
    public void NowCast_GentleChange_UsesTheRatioAsWeight()
    {
        // w* = 20/30 = ⅔: (30 + 24 × ⅔ + 20 × 4/9) / (1 + ⅔ + 4/9) = 54.888… / 2.111… = 26.
        var nowCast = VnAqi.NowCast([30, 24, 20, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN])!.Value;

        Assert.Equal(26, nowCast, 9);
        Assert.Equal(52, VnAqi.Round(VnAqi.SubIndex(AqiPollutant.Pm25, nowCast)));
    }

    [Fact]
    public void NowCast_NeedsTwoOfTheThreeLatestHours()
    {
        Assert.Null(VnAqi.NowCast([double.NaN, double.NaN, 30, 30, 30]));
        Assert.Null(VnAqi.NowCast([30]));
        Assert.Equal(30, VnAqi.NowCast([double.NaN, 30, 30])!.Value, 9);
    }

    [Fact]
    public void NowCast_UsesOnlyTwelveHours() =>
        Assert.Equal(10, VnAqi.NowCast([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 500, 500])!.Value, 9);

    [Fact]
    public void Hourly_TakesTheLargestSubIndex()
    {
        var result = VnAqi.Hourly(new Dictionary<AqiPollutant, double?> { [AqiPollutant.Pm25] = 40, [AqiPollutant.No2] = 250, [AqiPollutant.Co] = 5000 })!;

        Assert.Equal(105, result.Value);
        Assert.Equal(AqiPollutant.No2, result.Dominant);
        Assert.Equal(80, result.SubIndices[AqiPollutant.Pm25]);
        Assert.Equal(25, result.SubIndices[AqiPollutant.Co]);
        Assert.Equal("Kém", result.Category.NameVi);
    }

    [Fact]
    public void Hourly_TieGoesToParticulates() =>
        Assert.Equal(AqiPollutant.Pm25, VnAqi.Hourly(new Dictionary<AqiPollutant, double?> { [AqiPollutant.No2] = 100, [AqiPollutant.Pm25] = 25 })!.Dominant);

    [Fact]
    public void Hourly_WithoutParticulates_HasNoAqi() =>
        Assert.Null(VnAqi.Hourly(new Dictionary<AqiPollutant, double?> { [AqiPollutant.No2] = 250, [AqiPollutant.Pm25] = null }));
}
