using System.Globalization;

namespace IocCenter.Simulators;

public static class Durations
{
    /// <summary>500ms, 5s, 10m, 2h, 24h, or a TimeSpan (00:00:05).</summary>
    public static TimeSpan Parse(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value);
        (string Suffix, double Ms)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)];
        foreach (var (suffix, ms) in units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal) && double.TryParse(value[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            {
                return TimeSpan.FromMilliseconds(n * ms);
            }
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) ? span : throw new FormatException($"{name}: '{value}' is not a duration");
    }
}
