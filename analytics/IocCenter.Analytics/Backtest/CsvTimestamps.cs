using System.Globalization;

namespace IocCenter.Analytics.Backtest;

/// <summary>
/// The timestamp formats a backtest accepts: ISO 8601 (with an offset, or without one taken as UTC),
/// <c>yyyy-MM-dd HH:mm:ss</c> (UTC), epoch seconds or epoch milliseconds (a number above 10¹¹ is milliseconds).
/// </summary>
public static class CsvTimestamps
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mmK",
    ];

    public static bool TryParse(string text, out long epochMs)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            epochMs = number > 1e11 ? (long)number : (long)(number * 1000);
            return true;
        }

        if (DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time))
        {
            epochMs = time.ToUnixTimeMilliseconds();
            return true;
        }

        epochMs = 0;
        return false;
    }
}
