using IocCenter.Analytics.Detectors;

namespace IocCenter.Tests.Analytics.Detectors;

/// <summary>Numbers and durations as a Vietnamese duty officer reads them, and as an English reader does.</summary>
public sealed class SentencesTests
{
    [Theory]
    [InlineData(12.5, "0.#", "12,5", "12.5")]
    [InlineData(1234.56, "0.##", "1.234,56", "1,234.56")]
    [InlineData(0, "0.#", "0", "0")]
    [InlineData(-3.25, "0.##", "-3,25", "-3.25")]
    public void Numbers_UseTheDecimalCommaInVietnamese(double value, string format, string vi, string en)
    {
        Assert.Equal(vi, Sentences.Vi(value, format));
        Assert.Equal(en, Sentences.En(value, format));
    }

    [Theory]
    [InlineData(45, "45 giây", "45 s")]
    [InlineData(180, "3 phút", "3 min")]
    [InlineData(3_600, "1 giờ", "1 h")]
    [InlineData(5_400, "1 giờ 30 phút", "1 h 30 min")]
    [InlineData(3 * 86_400, "3 ngày", "3 d")]
    public void Durations_AreInTheLargestUnitThatReadsWell(int seconds, string vi, string en)
    {
        Assert.Equal(vi, Sentences.DurationVi(TimeSpan.FromSeconds(seconds)));
        Assert.Equal(en, Sentences.DurationEn(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void ANegativeDuration_IsZero() => Assert.Equal("0 giây", Sentences.DurationVi(TimeSpan.FromSeconds(-5)));
}
