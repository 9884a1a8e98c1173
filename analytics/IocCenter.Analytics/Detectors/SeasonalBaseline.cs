using System.Runtime.CompilerServices;

namespace IocCenter.Analytics.Detectors;

/// <summary>
/// A series' daily rhythm: 24 hour-of-day bins for weekdays and 24 for weekends, each a mean and a typical deviation
/// from it. Held inline in its <see cref="SeriesDetector"/> at about 0.3 KB, because a province has hundreds of
/// thousands of series:
/// <list type="bullet">
/// <item>a bin learns from every ten minutes of samples at once, not from each sample: a step is then about 8 % of a
/// difference, not 0.1 %, which half precision (11 bits, 0.05 % of the value) can hold; the rounding is stochastic
/// (up or down in proportion, dithered by the value's own bits), so steps smaller than that are not lost on average.
/// Learning hourly instead was measured to slow level-shift detection (1,080 s → 4,860 s for one episode): the
/// baseline must follow the day as it goes;</item>
/// <item>the bins count in a power-of-two unit set by the series' first value, doubled if a value outgrows it;</item>
/// <item>a bin's hours matter only until it has seen half an hour, so they are a byte of 1/128 h.</item>
/// </list>
/// Until a bin has half an hour, its mean is the plain average of what it saw; after that each step moves it
/// 1 − e^(−hours/2) of the way to the step's mean (about 40 % a day, as the detector's documentation says).
/// </summary>
internal struct SeasonalBaseline
{
    private const double DailyLearning = 0.5;
    private const double HoursPerStep = 1.0 / 128;
    private const double LearnEvery = 1.0 / 6; // hours of samples (both bins together) learnt at once
    private const float Outgrown = 16_384; // in units; Half holds up to 65,504
    private const byte Idle = byte.MaxValue;

    private Bins<Half> _mean;
    private Bins<Half> _deviation;
    private Bins<byte> _hours;
    private float _unit;
    private byte _pair; // the low bin of the samples being gathered (Idle: none)
    private Pending _low;
    private Pending _high;

    public SeasonalBaseline() => _pair = Idle;

    public readonly bool Warmed(int bin) => _hours[bin] * HoursPerStep >= 0.5;

    /// <summary>The largest magnitude the bins hold without widening their unit; 0 while they have none (nothing learnt yet).</summary>
    public readonly double Capacity => (double)Outgrown * _unit;

    public readonly double Mean(int bin) => (double)_mean[bin] * _unit;

    public readonly double Deviation(int bin) => (double)_deviation[bin] * _unit;

    /// <summary>
    /// Adds a sample lying between bins <paramref name="low"/> and <paramref name="high"/>, <paramref name="fraction"/>
    /// of the way to the latter, standing for <paramref name="hours"/> of the series. The bins learn after ten minutes
    /// of samples, when the hour moves on (another pair of bins) or after an hour of silence.
    /// </summary>
    public void Observe(int low, int high, double fraction, double value, double hours)
    {
        if (!double.IsFinite(value) || !(hours >= 0))
        {
            return;
        }

        value = SeriesDetector.Representable(value);
        if (_pair != Idle && (_pair != low || hours >= 1))
        {
            Close();
        }

        if (!(_unit > 0))
        {
            _unit = UnitFor(value);
        }

        // Bounded whatever the value: a float unit doubles at most 254 times before it is infinite.
        var needed = Math.Abs(value) / Outgrown;
        for (var i = 0; i < 256 && _unit < needed && float.IsFinite(_unit * 2); i++)
        {
            Widen();
        }

        _pair = (byte)low;
        // A step's reference is fixed by its first sample, so it is looked up only then.
        if (_low.Share == 0)
        {
            _low.Reference = (float)Reference(low, value);
        }

        if (_high.Share == 0)
        {
            _high.Reference = (float)Reference(high, value);
        }

        _low.Add((1 - fraction) * hours, value);
        _high.Add(fraction * hours, value);
        if (_low.Share + _high.Share >= LearnEvery)
        {
            Close();
        }
    }

    /// <summary>Learns from the samples since the last step.</summary>
    private void Close()
    {
        if (_pair == Idle)
        {
            return;
        }

        var low = _pair;
        var high = (low / 24 * 24) + ((low + 1) % 24);
        Learn(low, _low);
        Learn(high, _high);
        _low = default;
        _high = default;
        _pair = Idle;
    }

    /// <summary>What a bin's deviation is measured from: its mean once it has one, else the step's first sample.</summary>
    private readonly double Reference(int bin, double value) => _hours[bin] > 0 ? Mean(bin) : value;

    private void Learn(int bin, in Pending step)
    {
        if (step.Share <= 0)
        {
            return;
        }

        var hours = _hours[bin] * HoursPerStep;
        var rate = hours < 0.5 ? step.Share / (hours + step.Share) : 1 - Math.Exp(-DailyLearning * step.Share);
        var cold = _hours[bin] == 0;
        var mean = cold ? step.Mean : Mean(bin);
        var deviation = cold ? step.Spread : Deviation(bin);
        _mean[bin] = Round((mean + (rate * (step.Mean - mean))) / _unit);
        _deviation[bin] = Round((deviation + (rate * (step.Deviation - deviation))) / _unit);
        _hours[bin] = (byte)Math.Min(byte.MaxValue, _hours[bin] + Math.Round(step.Share / HoursPerStep));
    }

    /// <summary>
    /// To one of the two nearest halves, the nearer the likelier: unbiased, so that many small steps add up. The dither
    /// is a hash of the value's own bits, so a series' scores stay a function of its samples.
    /// </summary>
    private static Half Round(double x)
    {
        var nearest = (Half)x;
        var below = (double)nearest <= x ? nearest : Half.BitDecrement(nearest);
        var above = Half.BitIncrement(below);
        var gap = (double)above - (double)below;
        if (!(gap > 0) || !double.IsFinite(gap))
        {
            return nearest;
        }

        var dither = (BitConverter.DoubleToUInt64Bits(x) * 0x9E3779B97F4A7C15UL) >> 11; // 53 bits
        return dither * (1.0 / (1UL << 53)) < (x - (double)below) / gap ? above : below;
    }

    /// <summary>
    /// A power of two near the value's magnitude, as a normal float: 1 for 0, and never 0 or ∞ (a value below float's
    /// range, such as a subnormal double, would otherwise make the unit 0, and no doubling of 0 ever outgrows a value).
    /// </summary>
    private static float UnitFor(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return 1;
        }

        return (float)Math.ScaleB(1, Math.Clamp(Math.ILogB(Math.Abs(value)), -120, 120));
    }

    /// <summary>A value outgrew the unit: double it, and halve every bin (exact in binary).</summary>
    private void Widen()
    {
        _unit *= 2;
        for (var i = 0; i < 48; i++)
        {
            _mean[i] = (Half)((float)_mean[i] / 2);
            _deviation[i] = (Half)((float)_deviation[i] / 2);
        }
    }

    /// <summary>
    /// What one bin has seen since its last step: weighted sums around a reference value, the bin's mean when it
    /// has one (the deviation is then from it), else the first sample.
    /// </summary>
    private struct Pending
    {
        public float Share;
        public float Reference;
        private float _sum;
        private float _absolute;
        private float _squares;

        public readonly double Mean => Reference + (_sum / Share);

        /// <summary>The typical distance from the reference.</summary>
        public readonly double Deviation => _absolute / Share;

        /// <summary>
        /// The typical distance from these samples' own mean, for a bin's first step (it has no mean to measure from):
        /// the standard deviation times √(2/π), what the mean distance is for normal noise.
        /// </summary>
        public readonly double Spread => 0.7979 * Math.Sqrt(Math.Max(0, (_squares / Share) - Math.Pow(_sum / Share, 2)));

        public void Add(double share, double value)
        {
            if (share <= 0)
            {
                return;
            }

            Share += (float)share;
            _sum += (float)(share * (value - Reference));
            _absolute += (float)(share * Math.Abs(value - Reference));
            _squares += (float)(share * (value - Reference) * (value - Reference));
        }
    }

    [InlineArray(48)]
    private struct Bins<T>
    {
        private T _element;
    }
}
