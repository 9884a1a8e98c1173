namespace IocCenter.Devices;

/// <summary>
/// When a device was last heard from and how often it usually reports: what "silent" means, one definition for the
/// screens and for analytics' device_offline rule, so that a device the wall shows offline has an incident saying
/// why. Silent = nothing for longer than <c>max(minimum, intervals × usual interval)</c>; the usual interval is the
/// median of the last 16 gaps between reading times (robust to a burst of buffered readings) and, until three gaps
/// are known, the minimum alone decides. An <c>online</c> status counts as being heard. 72 bytes, no allocation.
/// </summary>
public struct ReportingRhythm
{
    /// <summary>The shortest silence that makes a device offline, however fast it reports (a burst of five readings
    /// 0.2 s apart must not make a device "offline" 2 s later).</summary>
    public static readonly TimeSpan DefaultMinimum = TimeSpan.FromMinutes(1);

    public const double DefaultIntervals = 2.5;

    private const int Samples = 16;
    private Gaps _gaps;
    private int _count;
    private long _lastMs;
    private bool _heard;

    /// <summary>Whether anything was heard from the device yet.</summary>
    public readonly bool Heard => _heard;

    /// <summary>Whether the state is one readings can make (a saved one is checked before it is used again).</summary>
    public readonly bool Consistent => _count >= 0;

    /// <summary>The latest reading or status time heard (ms since the epoch).</summary>
    public readonly long LastMs => _lastMs;

    /// <summary>A reading with its own time.</summary>
    public void Reading(long timestampMs)
    {
        if (_heard && timestampMs > _lastMs)
        {
            _gaps[_count % Samples] = (int)Math.Min(int.MaxValue, timestampMs - _lastMs);
            _count = _count == int.MaxValue ? Samples : _count + 1; // never negative, even after 2³¹ readings
        }

        Status(timestampMs);
    }

    /// <summary>An <c>online</c> status (or a reading restored from storage): heard, but no gap to learn from.</summary>
    public void Status(long atMs)
    {
        _lastMs = _heard ? Math.Max(_lastMs, atMs) : atMs;
        _heard = true;
    }

    /// <summary>The median of the last gaps, or null before three are known.</summary>
    public readonly long? UsualIntervalMs
    {
        get
        {
            if (_count < 3)
            {
                return null;
            }

            var n = Math.Min(_count, Samples);
            Span<int> sorted = stackalloc int[Samples];
            ((ReadOnlySpan<int>)_gaps)[..n].CopyTo(sorted);
            sorted[..n].Sort();
            return Math.Max(1, sorted[n / 2]);
        }
    }

    /// <summary>How long the device may stay quiet before it counts as offline.</summary>
    public readonly long SilentAfterMs(TimeSpan minimum, double intervals)
    {
        var least = (long)minimum.TotalMilliseconds;
        return UsualIntervalMs is { } usual ? Math.Max(least, (long)Math.Min(long.MaxValue / 2, intervals * usual)) : least;
    }

    /// <summary>Whether the device was heard from and has been quiet for longer than <see cref="SilentAfterMs"/> at <paramref name="nowMs"/>.</summary>
    public readonly bool IsSilent(long nowMs, TimeSpan minimum, double intervals) =>
        _heard && nowMs - _lastMs > SilentAfterMs(minimum, intervals);

    [System.Runtime.CompilerServices.InlineArray(Samples)]
    private struct Gaps
    {
        private int _element;
    }
}
