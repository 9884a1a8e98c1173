using System.Globalization;

namespace IocCenter.Analytics.Detectors;

/// <summary>
/// Numbers and durations in the "Tiếng Việt / English" sentences the detectors write into evidence and the audit trail:
/// Vietnamese with a decimal comma and a dot between thousands ("1.234,5"), English the other way round; durations in
/// the largest unit that reads well ("5 phút", "1 giờ 30 phút" / "5 min", "1 h 30 min").
/// </summary>
public static class Sentences
{
    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    public static string Vi(double value, string format = "0.#") => Format(value, format, Vietnamese);

    public static string En(double value, string format = "0.#") => Format(value, format, CultureInfo.InvariantCulture);

    /// <summary>
    /// Grouped digits for ordinary magnitudes; a huge value (any double is a valid reading: 1e300 was 300 digits) or one
    /// too small for the format's decimals (1e-9 read "0") in scientific notation, "1,8E+308".
    /// </summary>
    private static string Format(double value, string format, CultureInfo culture)
    {
        var point = format.IndexOf('.', StringComparison.Ordinal);
        var decimals = point < 0 ? 0 : format.Length - point - 1;
        var size = Math.Abs(value);
        if (double.IsFinite(value) && (size >= 1e9 || (size > 0 && size < 0.5 * Math.Pow(10, -decimals))))
        {
            return value.ToString("0.##E+0", culture);
        }

        return value.ToString(format.Replace("0.", "#,##0.", StringComparison.Ordinal), culture);
    }

    public static string DurationVi(TimeSpan span) => Duration(span, "giây", "phút", "giờ", "ngày");

    public static string DurationEn(TimeSpan span) => Duration(span, "s", "min", "h", "d");

    private static string Duration(TimeSpan span, string second, string minute, string hour, string day)
    {
        var seconds = (long)Math.Round(Math.Max(0, span.TotalSeconds));
        if (seconds < 90)
        {
            return $"{seconds} {second}";
        }

        var minutes = (long)Math.Round(seconds / 60.0);
        if (minutes < 60)
        {
            return $"{minutes} {minute}";
        }

        if (minutes < 48 * 60)
        {
            var (h, m) = (minutes / 60, minutes % 60);
            return m == 0 ? $"{h} {hour}" : $"{h} {hour} {m} {minute}";
        }

        return $"{minutes / (24 * 60)} {day}";
    }
}
