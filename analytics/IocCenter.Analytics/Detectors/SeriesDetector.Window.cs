namespace IocCenter.Analytics.Detectors;

/// <summary>The recent window of a series detector, and what the seasonal shape may learn from a reading given it.</summary>
public sealed partial class SeriesDetector
{
    /// <summary>
    /// What the seasonal shape may learn from a sample, or null when it learns nothing from it. A reading absurdly far
    /// from the recent window (more than <see cref="AbsurdSpreads"/> of its robust spread from its median: the middle
    /// of the sorted window, so two bad readings in it do not open the gate for the next) teaches nothing: a bin that
    /// learnt two readings of 10⁵ km/h, or 10¹⁵, taught the level-shift scale to expect them every day, and that series
    /// never found a shift again. The bins share one unit (set by the first value, about 10⁴ times smaller than what
    /// they hold) which a larger value widens for good, so while there is no full window (at the start, after a
    /// silence) a value is held within 1/64 of what the bins hold. An absurd first value is dropped at the first full
    /// window: <see cref="FirstValueWasAbsurd"/>.
    /// </summary>
    private double? Learnable(double value)
    {
        var capacity = _baseline.Capacity;
        if (_filled < Window)
        {
            return capacity == 0 ? value : Math.Clamp(value, -capacity / 64, capacity / 64);
        }

        Span<float> sorted = stackalloc float[Window];
        ((ReadOnlySpan<float>)_window).CopyTo(sorted);
        sorted.Sort();
        var median = sorted[Window / 2];
        var spread = Math.Max(sorted[(Window / 2) + 1] - sorted[(Window / 2) - 1], Math.Max(_noise, Math.Max(SmallestMagnitude, 0.01 * Math.Abs(median))));
        if (Math.Abs(value - median) > AbsurdSpreads * spread)
        {
            return null;
        }

        return capacity == 0 ? value : Math.Clamp(value, -capacity, capacity);
    }

    /// <summary>
    /// At the first full window (and two and four windows in): the unit the first value set is over a million times the
    /// window's median (ordinary series are about 10⁴ times), so that value was absurd, and the few samples learnt since
    /// are dropped rather than kept at a unit that would round everything after them to 0.
    /// </summary>
    private bool FirstValueWasAbsurd()
    {
        Span<float> sorted = stackalloc float[Window];
        ((ReadOnlySpan<float>)_window).CopyTo(sorted);
        sorted.Sort();
        var median = Math.Abs(sorted[Window / 2]);
        return _baseline.Capacity > (1 << 20) * (median > 0 ? median : 1);
    }

    private void Push(double value)
    {
        _window[_count % Window] = (float)value;
        _count++;
        _filled++;
    }

    [System.Runtime.CompilerServices.InlineArray(Window)]
    private struct Recent
    {
        private float _element;
    }
}
