namespace IocCenter.Analytics.AirQuality;

/// <summary>
/// Vietnam's air-quality index, hourly, as Decision 1459/QĐ-TCMT (2019) defines it: a sub-index per pollutant
/// by linear interpolation on the Table 2 breakpoints (µg/m³ for every pollutant, CO included), PM2.5 and PM10
/// from the 12-hour NowCast, O3 on its 1-hour breakpoints, the AQI the largest sub-index, rounded half up,
/// and only when PM2.5 or PM10 has one.
/// </summary>
public static class VnAqi
{
    public const int NowCastHours = 12;

    private static readonly int[] Levels = [0, 50, 100, 150, 200, 300, 400, 500];

    private static readonly double[][] Breakpoints =
    [
        [0, 25, 50, 80, 150, 250, 350, 500], // PM2.5
        [0, 50, 150, 250, 350, 420, 500, 600], // PM10
        [0, 160, 200, 300, 400, 800, 1000, 1200], // O3, 1-hour
        [0, 100, 200, 700, 1200, 2350, 3100, 3850], // NO2
        [0, 125, 350, 550, 800, 1600, 2100, 2630], // SO2
        [0, 10000, 30000, 45000, 60000, 90000, 120000, 150000], // CO
    ];

    /// <summary>The sub-index of one pollutant, unrounded; 500 at and beyond the last breakpoint.</summary>
    public static double SubIndex(AqiPollutant pollutant, double concentration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(concentration);
        var bp = Breakpoints[(int)pollutant];
        for (var i = 0; i < bp.Length - 1; i++)
        {
            if (concentration <= bp[i + 1])
            {
                return ((Levels[i + 1] - Levels[i]) / (bp[i + 1] - bp[i]) * (concentration - bp[i])) + Levels[i];
            }
        }

        return Levels[^1];
    }

    /// <summary>
    /// The NowCast of hourly means, newest first (<c>hours[0]</c> is the current hour; NaN = no data).
    /// w* = c_min / c_max over the 12 hours, w = max(w*, ½), NowCast = Σ wⁱ⁻¹cᵢ / Σ wⁱ⁻¹ over the hours with data.
    /// For w = ½ the decision writes Σ (½)ⁱcᵢ, the same to within 0.03 % when all 12 hours are there; the
    /// normalised form also stays right when some are missing. Null unless 2 of the 3 latest hours have data.
    /// </summary>
    public static double? NowCast(ReadOnlySpan<double> hours)
    {
        hours = hours[..Math.Min(hours.Length, NowCastHours)];
        var recent = 0;
        for (var i = 0; i < Math.Min(3, hours.Length); i++)
        {
            recent += double.IsNaN(hours[i]) ? 0 : 1;
        }

        return recent < 2 ? null : Weighted(hours);
    }

    /// <summary>
    /// What this hour's NowCast would be if the hour's mean were <paramref name="current"/> (the provisional index:
    /// the level of the last half hour, as if it held to the end of the hour), with the closed hours before it
    /// (<paramref name="closedHours"/>, newest first, NaN = no data). Without the official value's 2-of-3-hours rule:
    /// a station with no history yet (a new one, or after a restart) gets <paramref name="current"/> itself.
    /// </summary>
    public static double ProvisionalNowCast(double current, ReadOnlySpan<double> closedHours)
    {
        Span<double> hours = stackalloc double[NowCastHours];
        hours[0] = current;
        hours[1..].Fill(double.NaN);
        closedHours[..Math.Min(closedHours.Length, NowCastHours - 1)].CopyTo(hours[1..]);
        return Weighted(hours);
    }

    /// <summary>The last breakpoint of a pollutant: at and beyond it the sub-index is 500, whatever the concentration.</summary>
    public static double Ceiling(AqiPollutant pollutant) => Breakpoints[(int)pollutant][^1];

    private static double Weighted(ReadOnlySpan<double> hours)
    {
        double min = double.MaxValue, max = double.MinValue;
        foreach (var c in hours)
        {
            if (!double.IsNaN(c))
            {
                min = Math.Min(min, c);
                max = Math.Max(max, c);
            }
        }

        if (max <= 0)
        {
            return 0;
        }

        var w = Math.Max(min / max, 0.5);
        double weighted = 0, weights = 0, power = 1;
        foreach (var c in hours)
        {
            if (!double.IsNaN(c))
            {
                weighted += power * c;
                weights += power;
            }

            power *= w;
        }

        return weighted / weights;
    }

    /// <summary>Half-up to an integer, after clearing floating-point dust (109.4999999 is 109.5).</summary>
    public static int Round(double value) => (int)Math.Floor(Math.Round(value, 6) + 0.5);

    /// <summary>
    /// The hourly AQI from per-pollutant concentrations already reduced to the hour (NowCast for PM, the hour's
    /// mean for gases; null = not measured). Null when neither PM2.5 nor PM10 has a value.
    /// </summary>
    public static AqiResult? Hourly(IReadOnlyDictionary<AqiPollutant, double?> concentrations)
    {
        ArgumentNullException.ThrowIfNull(concentrations);
        var subIndices = new Dictionary<AqiPollutant, int>();
        foreach (var pollutant in AqiPollutants.All)
        {
            if (concentrations.TryGetValue(pollutant, out var c) && c is { } value && !double.IsNaN(value))
            {
                subIndices[pollutant] = Round(SubIndex(pollutant, Math.Max(0, value)));
            }
        }

        if (!subIndices.ContainsKey(AqiPollutant.Pm25) && !subIndices.ContainsKey(AqiPollutant.Pm10))
        {
            return null;
        }

        var dominant = AqiPollutants.All.Where(subIndices.ContainsKey).MaxBy(p => subIndices[p]);
        return new AqiResult(subIndices[dominant], dominant, subIndices);
    }
}

/// <summary>An AQI with the pollutant that decided it and every sub-index.</summary>
public sealed record AqiResult(int Value, AqiPollutant Dominant, IReadOnlyDictionary<AqiPollutant, int> SubIndices)
{
    public AqiCategory Category => AqiCategory.Of(Value);
}
