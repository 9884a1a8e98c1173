using System.Runtime.CompilerServices;

namespace IocCenter.Analytics.Detectors;

/// <summary>
/// Turns one nonnegative statistic of a series into a tail probability — how often the series has shown a value at
/// least this large — learnt from the series itself as it goes, so that one threshold means the same on every series.
/// <list type="bullet">
/// <item><b>The body</b> is an empirical distribution: 48 counts (16-bit), log-spaced in the statistic (8 a doubling of
/// 1 + x), all halved every <see cref="HalfLife"/> readings (forgetting in steps: no per-reading decay, half the
/// memory of float bins), plus a standard normal prior worth
/// <see cref="PriorWeight"/> readings, so a young series is judged as a Gaussian one and an old one by its own history
/// (the empirical calibration of NAB's anomaly likelihood, Ahmad et al. 2017, without its Gaussian assumption).</item>
/// <item><b>The tail</b> beyond the series' own <see cref="Quantile"/> is the exponential law of the excesses over that
/// quantile (peaks over threshold, as in SPOT, Siffer et al., KDD 2017, with the shape held at 0), forgetting with a
/// half-life of <see cref="PeakHalfLife"/> peaks and starting from a prior worth <see cref="PriorPeaks"/> peaks of the
/// normal's tail. Its scale is taken at an upper confidence bound, mean excess × (1 + 2/√peaks): a tail seen through
/// few peaks is not trusted to promise the very small probabilities an incident needs. A fitted heavier shape was
/// measured and rejected: it made real anomalies ordinary (bench/detector-research/README.md).</item>
/// </list>
/// O(1) to learn (O(48) once every <see cref="HalfLife"/> readings), O(48) at most to judge, 0.12 KB, no allocation.
/// A value is judged before it is learnt.
/// </summary>
internal struct TailCalibration
{
    public const double HalfLife = 5_000;
    public const double PriorWeight = 1_000;
    public const double PeakHalfLife = 200;
    public const double PriorPeaks = 10;
    public const double ScaleBound = 2;

    private const int BinCount = 48;
    private static readonly double PeakKeep = Math.Pow(0.5, 1 / PeakHalfLife);

    private Bins _bins;
    private ushort _sinceHalving;
    private float _total;
    private float _u;
    private float _peaks;
    private float _meanExcess;
    private readonly float _quantile;

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

    /// <summary>The quantile the tail starts at (0 for a default, unusable instance).</summary>
    public readonly double Quantile => _quantile;

    /// <summary>P(statistic ≥ <paramref name="x"/>) as the series has shown it; 1 for x ≤ 0 or NaN.</summary>
    public readonly double PValue(double x)
    {
        if (!(x > 0))
        {
            return 1;
        }

        if (x <= _u)
        {
            var bin = Bin(x);
            double above = 0.5 * _bins[bin];
            for (var i = bin + 1; i < BinCount; i++)
            {
                above += _bins[i];
            }

            return Math.Min(1, (above + (PriorWeight * NormalTail(x))) / (_total + PriorWeight));
        }

        var scale = Math.Max(1e-9, _meanExcess * (1 + (ScaleBound / Math.Sqrt(Math.Max(1, _peaks)))));
        return (1 - _quantile) * Math.Exp(-(x - _u) / scale);
    }

    /// <summary>Learns one value of the statistic (after it was judged).</summary>
    public void Learn(double x)
    {
        if (!double.IsFinite(x) || x < 0 || _quantile == 0)
        {
            return;
        }

        if (++_sinceHalving >= HalfLife)
        {
            _sinceHalving = 0;
            _total = 0;
            for (var i = 0; i < BinCount; i++)
            {
                _bins[i] = (ushort)(_bins[i] >> 1);
                _total += _bins[i];
            }
        }

        ref var bin = ref _bins[Bin(x)];
        if (bin < ushort.MaxValue)
        {
            bin++;
            _total++;
        }
        if (x > _u)
        {
            _peaks = (float)((_peaks * PeakKeep) + 1);
            _meanExcess += (float)((x - _u - _meanExcess) / _peaks);
        }

        // The quantile, tracked by stochastic approximation (multiplicative, so it stays positive).
        _u = (float)Math.Max(1e-6, _u * Math.Exp(0.05 * ((x > _u ? 1 : 0) - (1 - _quantile))));
    }

    /// <summary>The standard normal's two-sided tail P(|Z| ≥ z).</summary>
    public static double NormalTail(double z) => Erfc(Math.Abs(z) / Math.Sqrt(2));

    private static int Bin(double x) => Math.Min(BinCount - 1, (int)(8 * Math.Log2(1 + x)));

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

    [InlineArray(BinCount)]
    private struct Bins
    {
        private ushort _element;
    }
}
