using IocCenter.Analytics.Evaluation.Corpus;

namespace IocCenter.Tests.Analytics.Evaluation;

/// <summary>Issue 16's event-level scoring on hand-made series, every count worked out by hand in the comments.</summary>
public sealed class EventScoringTests
{
    private static double[] Scores(string marks) => [.. marks.Select(c => c == '#' ? 0.9 : c == '?' ? double.NaN : 0.1)];

    [Fact]
    public void Score_AlarmsInsideGraceAndOutside_CountsFoundFalseAndDelays()
    {
        // index:      0123456789012345678901234567890123456789
        var marks   = "..#.....###.............................#";
        // windows:        [5..9]                      [30..32]
        // alarm starts: 2 (before window 1: false), 8 (inside window 1: found, delay 3), 40 (> 32 + 12 = 44? no: 40 ≤ 44,
        // inside the grace of window 2: found, delay 10).
        var windows = new[] { new LabelWindow(5, 9), new LabelWindow(30, 32) };
        var counts = EventScoring.Score(Scores(marks), [], windows, 0.8);
        Assert.Equal(2, counts.Windows);
        Assert.Equal(2, counts.Found);
        Assert.Equal(1, counts.FalseAlarms);
        Assert.Equal([3, 10], counts.DelaysReadings);
        Assert.Equal(2.0 / 3, counts.Precision, 12);   // 2 found / (2 found + 1 false)
        Assert.Equal(1.0, counts.Recall, 12);          // 2 of 2 windows
        Assert.Equal(0.8, counts.F1, 12);              // 2·(2/3)·1 / (2/3 + 1)
        Assert.Equal(6.5, counts.MedianDelayReadings);
        Assert.Equal(1 * 10_000.0 / marks.Length, counts.FalseAlarmsPer10kReadings, 9);
    }

    [Fact]
    public void Score_AnAlarmRunningIntoAWindow_DoesNotFindIt_AndIsFalse()
    {
        // The run starts at 3, before the window [5..9], and lasts through it: one alarm, started outside → false;
        // the window is missed. Then one past the grace (9 + 12 = 21 < 22): false again.
        var marks = "...#######............#";
        var counts = EventScoring.Score(Scores(marks), [], [new LabelWindow(5, 9)], 0.8);
        Assert.Equal(0, counts.Found);
        Assert.Equal(2, counts.FalseAlarms);
        Assert.Equal(0, counts.Precision);
        Assert.Equal(0, counts.Recall);
        Assert.Equal(0, counts.F1);
        Assert.Null(counts.MedianDelayReadings);
    }

    [Fact]
    public void Score_RepeatedAlarmsInOneWindow_FindItOnce_AndAreNotFalse()
    {
        // Starts at 5, 7 and 9, all inside [4..10]: one window found (delay 1), nothing false. A missing value (?) ends a
        // run, so 12 starts a new alarm: inside the grace (10 + 12), not false.
        var marks = ".....#.#.#..#?#";
        var counts = EventScoring.Score(Scores(marks), [], [new LabelWindow(4, 10)], 0.8);
        Assert.Equal(1, counts.Found);
        Assert.Equal(0, counts.FalseAlarms);
        Assert.Equal([1], counts.DelaysReadings);
        Assert.Equal(1, counts.F1);
    }

    [Fact]
    public void Score_TheThresholdIsInclusive_AndDelaysInSecondsUseTheTimes()
    {
        double[] scores = [0.1, 0.5, 0.5, 0.1];
        long[] times = [0, 60_000, 120_000, 180_000];
        var counts = EventScoring.Score(scores, times, [new LabelWindow(0, 2)], 0.5);
        Assert.Equal(1, counts.Found);
        Assert.Equal([60.0], counts.DelaysSeconds);
        Assert.Equal(0, EventScoring.Score(scores, times, [new LabelWindow(0, 2)], 0.51).Found);
    }

    [Fact]
    public void Add_PoolsCounts_SoPrecisionIsOverAllSeries()
    {
        // Series A: alarms start at 0, 20, 30, 40; its window [0..0] with its grace reaches 12: 1 found, 3 false.
        // Series B: 2 windows, 1 found, 0 false. Pooled: 2 found of 3 windows, 3 false.
        var a = EventScoring.Score(Scores("#" + new string('.', 19) + "#" + new string('.', 9) + "#" + new string('.', 9) + "#"), [], [new LabelWindow(0, 0)], 0.8);
        var b = EventScoring.Score(Scores(".#.................................."), [], [new LabelWindow(1, 1), new LabelWindow(30, 31)], 0.8);
        var pooled = a.Add(b);
        Assert.Equal((3, 2, 3), (pooled.Windows, pooled.Found, pooled.FalseAlarms));
        Assert.Equal(2.0 / 5, pooled.Precision, 12);
        Assert.Equal(2.0 / 3, pooled.Recall, 12);
        Assert.Equal(0.5, pooled.F1, 12); // 2·0.4·0.667 / 1.067
    }

    [Fact]
    public void Load_SortsByTime_MissingValuesAreNaN_WindowsMapToTheReadingsInside()
    {
        var folder = Directory.CreateTempSubdirectory("iocc-corpus-").FullName;
        try
        {
            var csv = Path.Combine(folder, "s.csv");
            File.WriteAllText(csv, "timestamp,value\n2024-01-01 00:02:00,3\n2024-01-01 00:00:00,1\nnot a time,9\n2024-01-01 00:01:00,\n2024-01-01 00:03:00,4\n");
            var series = LabelledSeries.Load("d", csv, [("2024-01-01 00:00:30", "2024-01-01 00:02:00"), ("2025-01-01 00:00:00", "2025-01-01 00:00:00")]);
            Assert.Equal([1.0, double.NaN, 3.0, 4.0], series.Values);
            Assert.Equal(1, series.UnreadableRows);
            Assert.Equal([new LabelWindow(1, 2)], series.Windows); // 00:01 and 00:02 are inside; 00:00 is before it
            Assert.Equal(1, series.EmptyWindows);                 // 2025 holds no reading
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
