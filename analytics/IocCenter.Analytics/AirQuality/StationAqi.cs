using IocCenter.Analytics.Detectors;

namespace IocCenter.Analytics.AirQuality;

/// <summary>
/// One station's hourly VN_AQI, streaming: readings are averaged per clock hour; when a reading of a later hour
/// arrives the hour closes and its AQI is computed (NowCast over the last 12 hourly means for PM, the hour's
/// mean for gases). Hours without data count as missing. Constant memory, inline (a province has thousands of
/// stations, and the dashboard keeps one per station too): 12 hourly means for each PM, the running hour's sums.
/// </summary>
public sealed class StationAqi
{
    private const long HourMs = 3_600_000;
    private Six<double> _sum;
    private Six<int> _count;
    private PmHistory _pm; // PM2.5's 12 hourly means then PM10's, newest first; the gases need only the hour just closed
    private long _hour = long.MinValue;

    public StationAqi() => ((Span<double>)_pm).Fill(double.NaN);

    /// <summary>The AQI of the hour that the last observation closed.</summary>
    public AqiResult? LastHour { get; private set; }

    /// <summary>Adds a reading; returns true when it closed an hour (see <see cref="LastHour"/>).</summary>
    public bool Observe(in DeviceSample sample)
    {
        var hour = sample.TimestampMs / HourMs;
        if (hour < _hour)
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
            if (sample.TryGet(pollutant.Metric(), out var value))
            {
                _sum[(int)pollutant] += value;
                _count[(int)pollutant]++;
            }
        }

        return closed;
    }

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
}
