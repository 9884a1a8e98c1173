namespace IocCenter.Simulators.Models;

/// <summary>Vietnam keeps UTC+7 all year: the rhythm of roads and air follows it.</summary>
internal static class LocalTime
{
    private static readonly TimeSpan Offset = TimeSpan.FromHours(7);

    /// <summary>Hour of the local day as a fraction, 0 ≤ h &lt; 24.</summary>
    public static double HourOfDay(long epochMs)
    {
        var local = DateTimeOffset.FromUnixTimeMilliseconds(epochMs).ToOffset(Offset);
        return local.Hour + (local.Minute / 60.0) + (local.Second / 3600.0);
    }

    public static bool IsWeekend(long epochMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMs).ToOffset(Offset).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    /// <summary>A bump centred on <paramref name="centre"/> hours with the given width (hours), wrapping midnight.</summary>
    public static double Bump(double hour, double centre, double width)
    {
        var d = Math.Abs(hour - centre);
        d = Math.Min(d, 24 - d);
        return Math.Exp(-(d * d) / (2 * width * width));
    }
}
