using System.Globalization;

namespace IocCenter.Telemetry;

public static class Timestamps
{
    /// <summary>
    /// ISO-8601 date-time with an explicit offset (<c>Z</c>, <c>+07:00</c>, <c>+0700</c>). A time without an offset is
    /// ambiguous on a device whose zone nobody knows, so it is refused rather than guessed.
    /// </summary>
    public static bool TryParseIso8601(ReadOnlySpan<char> text, out long epochMs)
    {
        epochMs = 0;
        if (text.Length < 20 || text[10] != 'T' || !HasOffset(text))
        {
            return false;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            return false;
        }

        epochMs = value.ToUnixTimeMilliseconds();
        return true;
    }

    public static string Format(long epochMs) =>
        epochMs is >= -62135596800000 and <= 253402300799999
            ? DateTimeOffset.FromUnixTimeMilliseconds(epochMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : epochMs.ToString(CultureInfo.InvariantCulture);

    private static bool HasOffset(ReadOnlySpan<char> text)
    {
        if (text[^1] is 'Z' or 'z')
        {
            return true;
        }

        // ±hh:mm or ±hhmm after the time part.
        var sign = text.LastIndexOfAny('+', '-');
        if (sign <= 10)
        {
            return false;
        }

        var offset = text[(sign + 1)..];
        return offset.Length == 5 ? char.IsAsciiDigit(offset[0]) && char.IsAsciiDigit(offset[1]) && offset[2] == ':' && char.IsAsciiDigit(offset[3]) && char.IsAsciiDigit(offset[4])
             : offset.Length == 4 && char.IsAsciiDigit(offset[0]) && char.IsAsciiDigit(offset[1]) && char.IsAsciiDigit(offset[2]) && char.IsAsciiDigit(offset[3]);
    }
}
