using IocCenter.Analytics.Detectors;

namespace IocCenter.Analytics.AirQuality;

/// <summary>
/// One station's hourly VN_AQI, streaming: readings are averaged per clock hour; when a reading of a later hour
/// arrives the hour closes and its AQI is computed (NowCast over the last 12 hourly means for PM, the hour's
/// mean for gases). Hours without data count as missing. Constant memory, inline (a province has thousands of
/// stations, and the dashboard keeps one per station too): 12 hourly means for each PM, the running hour's sums,
/// and the six 5-minute bins of the provisional index (<see cref="Provisional"/>).
/// </summary>
/// <remarks>
/// Every concentration is first held to what the index can use: NaN and ±∞ are skipped, a negative reading (a
/// sensor's zero offset) counts as 0, and one above the pollutant's last breakpoint counts as that breakpoint —
/// the sub-index is 500 there whatever the value, and one absurd reading the contract accepts (PM2.5 10,000
/// µg/m³) must not lift a whole hour's mean, or half an hour's, into Rất xấu.
/// </remarks>
public sealed class StationAqi
{
    private const long HourMs = 3_600_000;

    /// <summary>The provisional index's bins: 5 minutes each, six of them (the running one included): the last 25–30 minutes.</summary>
    public const int BinMinutes = 5;

    public const int Bins = 6;

    /// <summary>
    /// A pollutant has a provisional level only with readings in at least this many of the bins: three readings more
    /// than five minutes apart end to end at the very least. A burst of buffered readings flushed in one minute is
    /// one bin, not a level.
    /// </summary>
    public const int MinBins = 3;

    /// <summary>The highest AQI of category Kém: above it is Xấu, where a provisional index is a warning.</summary>
    public const int WarnAbove = 150;

    /// <summary>The highest AQI of category Trung bình: above it is Kém, where the hourly index opens an incident.</summary>
    public const int KemAbove = 100;

    private const long BinMs = BinMinutes * 60_000;
    private Six<double> _sum;
    private Six<int> _count;
    private PmHistory _pm; // PM2.5's 12 hourly means then PM10's, newest first; the gases need only the hour just closed
    private long _hour = long.MinValue;
    private BinSums _binSum; // [pollutant × Bins + slot], slot = bin index mod Bins
    private BinCounts _binCount;
    private long _bin = long.MinValue; // the newest bin seen
    private ProvisionalAqi? _warning; // the highest provisional index of the running hour, once it reached Xấu

    public StationAqi() => ((Span<double>)_pm).Fill(double.NaN);

    /// <summary>The AQI of the hour that the last observation closed.</summary>
    public AqiResult? LastHour { get; private set; }

    /// <summary>
    /// The provisional ("tạm tính") index after the last observation: this hour's VN_AQI if the concentrations of its
    /// last half hour (of the running hour only: 10–30 minutes of it) held to the end of the hour (see
    /// <see cref="ProvisionalAqi"/>); null without enough readings, so in the first 10 minutes of every hour.
    /// </summary>
    public ProvisionalAqi? Provisional { get; private set; }

    /// <summary>
    /// The early warning of the running hour: once its provisional index has reached Xấu (above 150), the highest it
    /// has reached, until the hour closes and <see cref="LastHour"/> replaces it. Like the incident
    /// (<c>AirQualityRule</c>), a warning can rise within its hour but is not lowered or withdrawn there, so a screen
    /// neither swings between it and the last hour's index near the boundary nor shows a "warning" in Tốt after a gap
    /// emptied the bins. (The property test caught the earlier version doing that.)
    /// </summary>
    public ProvisionalAqi? Warning => _warning;

    /// <summary>The start of the newest 5-minute bin (ms): how fresh <see cref="Provisional"/> is.</summary>
    public long? NewestBinMs => _bin == long.MinValue ? null : _bin * BinMs;

    /// <summary>Adds a reading; returns true when it closed an hour (see <see cref="LastHour"/>).</summary>
    public bool Observe(in DeviceSample sample)
    {
        var closed = ObserveHour(sample, out var late);
        if (closed)
        {
            // The provisional index is the running hour's own: never built on readings the official index just judged.
            ((Span<ushort>)_binCount).Clear();
            ((Span<float>)_binSum).Clear();
            _warning = null;
        }

        if (!late)
        {
            ObserveBins(sample);
        }

        Provisional = ComputeProvisional();
        if (Provisional is { Value: > WarnAbove } provisional && provisional.Value >= (_warning?.Value ?? 0))
        {
            _warning = provisional;
        }
        return closed;
    }

    private bool ObserveHour(in DeviceSample sample, out bool late)
    {
        var hour = Math.DivRem(sample.TimestampMs, HourMs, out var rest) - (rest < 0 ? 1 : 0);
        late = hour < _hour;
        if (late)
        {
            return false; // late reading of an hour already closed
        }

        var closed = false;
        if (hour > _hour && _hour != long.MinValue)
        {
            Close(Math.Min(hour - _hour, VnAqi.NowCastHours));
            closed = true;
        }

        _hour = hour;
        foreach (var pollutant in AqiPollutants.All)
        {
            if (TryConcentration(sample, pollutant, out var value))
            {
                _sum[(int)pollutant] += value;
                _count[(int)pollutant]++;
            }
        }

        return closed;
    }

    /// <summary>
    /// Bins by the reading's own time: a newer bin clears the slots of the bins it skipped (a gap leaves them
    /// empty); a reading older than the six bins, or of an hour already closed, is left out; one out of order inside
    /// them goes to its own bin. (An hour is twelve bins, so bins never straddle an hour.)
    /// </summary>
    private void ObserveBins(in DeviceSample sample)
    {
        var bin = Math.DivRem(sample.TimestampMs, BinMs, out var rest) - (rest < 0 ? 1 : 0);
        if (bin > _bin)
        {
            var cleared = _bin == long.MinValue ? Bins : Math.Min(bin - _bin, Bins);
            for (var b = bin - cleared + 1; b <= bin; b++)
            {
                var slot = Slot(b);
                foreach (var pollutant in AqiPollutants.All)
                {
                    _binSum[((int)pollutant * Bins) + slot] = 0;
                    _binCount[((int)pollutant * Bins) + slot] = 0;
                }
            }

            _bin = bin;
        }
        else if (bin <= _bin - Bins)
        {
            return;
        }

        var at = Slot(bin);
        foreach (var pollutant in AqiPollutants.All)
        {
            var i = ((int)pollutant * Bins) + at;
            if (_binCount[i] < ushort.MaxValue && TryConcentration(sample, pollutant, out var value))
            {
                _binSum[i] += (float)value;
                _binCount[i]++;
            }
        }
    }

    /// <summary>
    /// Per pollutant, the level of the last half hour: the mean of its bins' means (each 5 minutes weighs the same,
    /// however often the station reported in it), its single highest bin lowered to the second highest (one bad
    /// reading, or one bin of them, cannot make a warning; two bins that agree count in full). PM goes through the
    /// NowCast as this hour's mean (<see cref="VnAqi.ProvisionalNowCast"/>), the gases as they are; then the same
    /// breakpoints as the hourly index, the largest sub-index, and only with PM2.5 or PM10.
    /// </summary>
    private ProvisionalAqi? ComputeProvisional()
    {
        var best = -1;
        var dominant = AqiPollutant.Pm25;
        double level = 0;
        var minutes = 0;
        var hasPm = false;
        foreach (var pollutant in AqiPollutants.All)
        {
            int bins = 0, oldest = 0;
            double sum = 0, highest = double.MinValue, second = double.MinValue;
            for (var age = 0; age < Bins; age++)
            {
                var i = ((int)pollutant * Bins) + Slot(_bin - age);
                if (_binCount[i] == 0)
                {
                    continue;
                }

                var mean = _binSum[i] / (double)_binCount[i];
                bins++;
                oldest = age;
                sum += mean;
                if (mean > highest)
                {
                    (highest, second) = (mean, highest);
                }
                else if (mean > second)
                {
                    second = mean;
                }
            }

            if (bins < MinBins)
            {
                continue;
            }

            var recent = Math.Max(0, (sum - highest + second) / bins);
            var concentration = pollutant.UsesNowCast()
                ? VnAqi.ProvisionalNowCast(recent, ((ReadOnlySpan<double>)_pm).Slice(pollutant == AqiPollutant.Pm25 ? 0 : VnAqi.NowCastHours, VnAqi.NowCastHours))
                : recent;
            var subIndex = VnAqi.Round(VnAqi.SubIndex(pollutant, Math.Clamp(concentration, 0, VnAqi.Ceiling(pollutant))));
            hasPm |= pollutant.UsesNowCast();
            if (subIndex > best)
            {
                (best, dominant, level, minutes) = (subIndex, pollutant, recent, (oldest + 1) * BinMinutes);
            }
        }

        return hasPm ? new ProvisionalAqi(best, dominant, level, minutes) : null;
    }

    private static bool TryConcentration(in DeviceSample sample, AqiPollutant pollutant, out double value)
    {
        if (!sample.TryGet(pollutant.Metric(), out value) || !double.IsFinite(value))
        {
            return false;
        }

        value = Math.Clamp(value, 0, VnAqi.Ceiling(pollutant));
        return true;
    }

    private static int Slot(long bin) => (int)(((bin % Bins) + Bins) % Bins);

    /// <summary>Closes the current hour and records the <paramref name="hoursPassed"/> − 1 empty hours after it.</summary>
    private void Close(long hoursPassed)
    {
        var concentrations = new Dictionary<AqiPollutant, double?>(6);
        foreach (var pollutant in AqiPollutants.All)
        {
            var p = (int)pollutant;
            var mean = _count[p] > 0 ? _sum[p] / _count[p] : double.NaN;
            if (pollutant.UsesNowCast())
            {
                var history = ((Span<double>)_pm).Slice(pollutant == AqiPollutant.Pm25 ? 0 : VnAqi.NowCastHours, VnAqi.NowCastHours);
                Push(history, mean);
                concentrations[pollutant] = VnAqi.NowCast(history);
                for (var empty = 1; empty < hoursPassed; empty++)
                {
                    Push(history, double.NaN);
                }
            }
            else
            {
                concentrations[pollutant] = double.IsNaN(mean) ? null : mean;
            }

            _sum[p] = 0;
            _count[p] = 0;
        }

        LastHour = VnAqi.Hourly(concentrations);
    }

    /// <summary>Newest first: the new hour goes in front and the 13th oldest drops out.</summary>
    private static void Push(Span<double> history, double mean)
    {
        history[..^1].CopyTo(history[1..]);
        history[0] = mean;
    }

    [System.Runtime.CompilerServices.InlineArray(6)]
    private struct Six<T>
    {
        private T _element;
    }

    [System.Runtime.CompilerServices.InlineArray(2 * VnAqi.NowCastHours)]
    private struct PmHistory
    {
        private double _element;
    }

    [System.Runtime.CompilerServices.InlineArray(6 * Bins)]
    private struct BinSums
    {
        private float _element;
    }

    [System.Runtime.CompilerServices.InlineArray(6 * Bins)]
    private struct BinCounts
    {
        private ushort _element;
    }
}
