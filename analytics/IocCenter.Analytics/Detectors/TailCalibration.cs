namespace IocCenter.Analytics.Detectors;

/// <summary>
/// Turns one nonnegative statistic of a series into a tail probability — how often the series has shown a value at
/// least this large — learnt from the series itself as it goes, so that one threshold means the same on every series.
/// <list type="bullet">
/// <item><b>The tail</b> beyond the series' own <see cref="Quantile"/> (tracked by stochastic approximation) is the
/// exponential law of the excesses over that quantile: peaks over threshold, as in SPOT (Siffer et al., KDD 2017), with
/// the shape held at 0. The mean excess forgets with a half-life of <see cref="PeakHalfLife"/> peaks and starts from a
/// prior worth <see cref="PriorPeaks"/> peaks of the normal's tail. Its scale is taken at an upper confidence bound,
/// mean excess × (1 + 2/√peaks): a tail seen through few peaks is not trusted to promise the very small probabilities
/// an incident needs. A fitted heavier shape was measured and rejected: it made real anomalies ordinary
/// (bench/detector-research/README.md).</item>
/// <item><b>Below the quantile</b> (where no incident is ever decided) p falls log-linearly from 1 at 0 to 1 − quantile
/// at the quantile: graded and monotone, not a fitted law. An empirical body (48 forgetting bins) was measured to
/// change nothing at the incident threshold and cost 0.2 KB a series, which 50,000 devices cannot afford.</item>
/// </list>
/// O(1), 16 bytes, no allocation. A value is judged before it is learnt.
/// </summary>
internal struct TailCalibration
{
    public const double PeakHalfLife = 200;
    public const double PriorPeaks = 10;
    public const double ScaleBound = 2;
    public const double LearnCap = 20;

    private static readonly double PeakKeep = Math.Pow(0.5, 1 / PeakHalfLife);

    private readonly float _quantile;
    private float _u;
    private float _peaks;
    private float _meanExcess;

    /// <param name="quantile">Where the tail starts: the series' own quantile of the statistic (0.95 = its 95th percentile).</param>
    public TailCalibration(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(quantile, 0.5);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(quantile, 1);
        _quantile = (float)quantile;
        _u = (float)NormalQuantile(quantile);
        _peaks = (float)PriorPeaks;
        _meanExcess = 1 / _u; // beyond u, a normal's tail is close to exponential with mean 1/u (Mills' ratio)
    }

    /// <summary>
    /// Whether a loaded tail is one <see cref="Learn"/> could have made (or a default, unused one): the peaks' weight
    /// stays below 1/(1 − keep) + the prior (about 300), the quantile and the mean excess below 10³⁰ (a distance of
    /// 10¹⁵ readings' worth over a deviation floored at 10⁻⁹ is 10²⁴; a crafted 3·10³⁸ blinded the stage).
    /// </summary>
    public readonly bool InRange =>
        _quantile == 0 ? _u == 0 && _peaks == 0 && _meanExcess == 0
        : _quantile is > 0.5f and < 1 && _u is >= 1e-6f and <= 1e30f && _peaks is >= 0 and <= 1000 && _meanExcess is >= 0 and <= 1e30f;

    /// <summary>The quantile the tail starts at (0 for a default, unusable instance).</summary>
    public readonly double Quantile => _quantile;

    /// <summary>P(statistic ≥ <paramref name="x"/>) as the series has shown it; 1 for x ≤ 0 or NaN.</summary>
    public readonly double PValue(double x)
    {
        if (!(x > 0) || _quantile == 0)
        {
            return 1;
        }

        if (x <= _u)
        {
            return Math.Pow(1 - _quantile, x / _u);
        }

        var scale = Math.Max(1e-9, _meanExcess * (1 + (ScaleBound / Math.Sqrt(Math.Max(1, _peaks)))));
        return (1 - _quantile) * Math.Exp(-(x - _u) / scale);
    }

    /// <summary>The value whose tail probability is <paramref name="p"/> (<see cref="PValue"/>'s inverse), for 0 &lt; p &lt; 1.</summary>
    public readonly double At(double p)
    {
        if (_quantile == 0)
        {
            return 0;
        }

        if (p >= 1 - _quantile)
        {
            return _u * Math.Log(p) / Math.Log(1 - _quantile);
        }

        var scale = Math.Max(1e-9, _meanExcess * (1 + (ScaleBound / Math.Sqrt(Math.Max(1, _peaks)))));
        return _u + (scale * Math.Log((1 - _quantile) / p));
    }

    /// <summary>Learns one value of the statistic (after it was judged).</summary>
    public void Learn(double x)
    {
        if (!double.IsFinite(x) || x < 0 || _quantile == 0)
        {
            return;
        }

        if (x > _u)
        {
            // An excess is learnt at most LearnCap mean excesses deep (p ≈ 10⁻⁴): one absurd value (a sentinel, an
            // anomaly) cannot make the tail expect it for weeks (SPOT leaves alarms out altogether; then a series whose
            // normal life has big jumps would alarm on each). Jumps that keep coming widen the tail step by step.
            _peaks = (float)((_peaks * PeakKeep) + 1);
            _meanExcess += (float)((Math.Min(x - _u, LearnCap * _meanExcess) - _meanExcess) / _peaks);
        }

        // The quantile, tracked by stochastic approximation (multiplicative, so it stays positive).
        _u = (float)Math.Max(1e-6, _u * Math.Exp(0.05 * ((x > _u ? 1 : 0) - (1 - _quantile))));
    }

    /// <summary>The standard normal's two-sided tail P(|Z| ≥ z).</summary>
    public static double NormalTail(double z) => Erfc(Math.Abs(z) / Math.Sqrt(2));

    private static double NormalQuantile(double q)
    {
        double low = 0, high = 40;
        for (var i = 0; i < 60; i++)
        {
            var middle = (low + high) / 2;
            (low, high) = NormalTail(middle) > 1 - q ? (middle, high) : (low, middle);
        }

        return low;
    }

    /// <summary>erfc by the Chebyshev fit of Numerical Recipes (fractional error below 1.2·10⁻⁷).</summary>
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + (0.5 * z));
        ReadOnlySpan<double> c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        var polynomial = 0.0;
        for (var i = c.Length - 1; i >= 0; i--)
        {
            polynomial = c[i] + (t * polynomial);
        }

        var r = t * Math.Exp((-z * z) + polynomial);
        return x >= 0 ? r : 2 - r;
    }
}
