namespace IocCenter.Analytics.Evaluation.Corpus;

/// <summary>A labelled anomaly window, as reading indices (inclusive) of its series.</summary>
public readonly record struct LabelWindow(int Start, int End);

/// <summary>What one threshold found in one series (or a sum of series).</summary>
public sealed record EventCounts(int Windows, int Found, int FalseAlarms, long Readings, IReadOnlyList<int> DelaysReadings, IReadOnlyList<double> DelaysSeconds)
{
    public static EventCounts Empty { get; } = new(0, 0, 0, 0, [], []);

    /// <summary>Found windows over found windows plus false alarms: repeated alarms inside one window do not inflate it.</summary>
    public double Precision => Found + FalseAlarms == 0 ? (Windows == 0 ? 1 : 0) : (double)Found / (Found + FalseAlarms);

    public double Recall => Windows == 0 ? 1 : (double)Found / Windows;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public double FalseAlarmsPer10kReadings => Readings == 0 ? 0 : FalseAlarms * 10_000.0 / Readings;

    public double? MedianDelayReadings => Median(DelaysReadings.Select(d => (double)d).ToList());

    public double? MedianDelaySeconds => Median([.. DelaysSeconds]);

    public EventCounts Add(EventCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Windows + other.Windows, Found + other.Found, FalseAlarms + other.FalseAlarms, Readings + other.Readings,
            [.. DelaysReadings, .. other.DelaysReadings], [.. DelaysSeconds, .. other.DelaysSeconds]);
    }

    private static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}

/// <summary>
/// Event-level scoring, as issue 16 defines it: an alarm is a run of consecutive readings scored at or above the
/// threshold; a window is found when an alarm starts inside it or within <see cref="Grace"/> readings after its end;
/// every other alarm start is a false alarm. The delay is from the window's start to the first alarm start that
/// finds it. A reading without a score (a missing value) ends a run.
/// </summary>
public static class EventScoring
{
    public const int Grace = 12;

    public static EventCounts Score(ReadOnlySpan<double> scores, ReadOnlySpan<long> timesMs, IReadOnlyList<LabelWindow> windows, double threshold)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var found = new bool[windows.Count];
        var delaysReadings = new List<int>();
        var delaysSeconds = new List<double>();
        var falseAlarms = 0;
        var inAlarm = false;
        for (var i = 0; i < scores.Length; i++)
        {
            var alarm = scores[i] >= threshold; // NaN (no score) is never an alarm
            if (alarm && !inAlarm)
            {
                var explained = false;
                for (var w = 0; w < windows.Count; w++)
                {
                    var window = windows[w];
                    if (i < window.Start || i > window.End + Grace)
                    {
                        continue;
                    }

                    explained = true;
                    if (!found[w])
                    {
                        found[w] = true;
                        delaysReadings.Add(i - window.Start);
                        if (timesMs.Length == scores.Length)
                        {
                            delaysSeconds.Add((timesMs[i] - timesMs[window.Start]) / 1000.0);
                        }
                    }
                }

                if (!explained)
                {
                    falseAlarms++;
                }
            }

            inAlarm = alarm;
        }

        return new EventCounts(windows.Count, found.Count(f => f), falseAlarms, scores.Length, delaysReadings, delaysSeconds);
    }
}
