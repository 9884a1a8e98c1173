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
    [InlineData(1e300, "0.#", "1E+300", "1E+300")]
    [InlineData(1.5e-9, "0.##", "1,5E-9", "1.5E-9")]
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

/// <summary>Any double a reading can carry and any duration: a sentence, never an exception.</summary>
public sealed class SentencesPropertyTests
{
    [FsCheck.Xunit.Property(MaxTest = 2000)]
    public bool AnyDouble_ReadsInBothLanguages(double value)
    {
        var vi = Sentences.Vi(value, "0.##");
        var en = Sentences.En(value, "0.##");
        if (!double.IsFinite(value))
        {
            return vi.Length > 0 && en.Length > 0;
        }

        // The same number in both (Vietnamese swaps the decimal point and the thousands separator), and short: a
        // huge or tiny value is in scientific notation, not 300 digits or a "0" that hides it.
        var fromVi = double.Parse(vi, System.Globalization.NumberStyles.Float | System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.GetCultureInfo("vi-VN"));
        var fromEn = double.Parse(en, System.Globalization.NumberStyles.Float | System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
        // (Rounded to three digits, the largest doubles read past double.MaxValue: "1,8E+308".)
        var close = double.IsInfinity(fromVi) ? Math.Abs(value) > 1.7e308 : Math.Abs(fromVi - value) <= Math.Max(0.005, Math.Abs(value) * 0.005);
        return fromVi == fromEn && close && vi.Length <= 24 && (value == 0 || fromVi != 0);
    }

    [FsCheck.Xunit.Property(MaxTest = 1000)]
    public bool AnyDuration_IsAShortPhrase(long ticks)
    {
        var span = TimeSpan.FromTicks(ticks);
        var vi = Sentences.DurationVi(span);
        var en = Sentences.DurationEn(span);
        return vi.Length is > 0 and < 40 && en.Length is > 0 and < 40;
    }
}
