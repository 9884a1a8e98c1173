using IocCenter.Analytics.Detectors;

namespace IocCenter.Analytics.AirQuality;

/// <summary>
/// One station's hourly VN_AQI, streaming: readings are averaged per clock hour; when a reading of a later hour
/// arrives the hour closes and its AQI is computed (NowCast over the last 12 hourly means for PM, the hour's
/// mean for gases). Hours without data count as missing. Constant memory: 12 hourly means per pollutant.
/// </summary>
public sealed class StationAqi
{
    private const long HourMs = 3_600_000;
    private readonly double[] _sum = new double[6];
    private readonly int[] _count = new int[6];
    private readonly double[][] _hours = Enumerable.Range(0, 6).Select(_ => Enumerable.Repeat(double.NaN, VnAqi.NowCastHours).ToArray()).ToArray();
    private long _hour = long.MinValue;

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
            var history = _hours[p];
            Push(history, _count[p] > 0 ? _sum[p] / _count[p] : double.NaN);
            concentrations[pollutant] = pollutant.UsesNowCast()
                ? VnAqi.NowCast(history)
                : double.IsNaN(history[0]) ? null : history[0];
            for (var empty = 1; empty < hoursPassed; empty++)
            {
                Push(history, double.NaN);
            }

            _sum[p] = 0;
            _count[p] = 0;
        }

        LastHour = VnAqi.Hourly(concentrations);
    }

    /// <summary>Newest first: the new hour goes in front and the 13th oldest drops out.</summary>
    private static void Push(double[] history, double mean)
    {
        Array.Copy(history, 0, history, 1, history.Length - 1);
        history[0] = mean;
    }
}
