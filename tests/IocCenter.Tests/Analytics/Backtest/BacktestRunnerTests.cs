using System.Globalization;
using System.Text;
using IocCenter.Analytics.Backtest;

namespace IocCenter.Tests.Analytics.Backtest;

public class BacktestRunnerTests
{
    private static (string Output, BacktestSummary Summary) Run(string csv)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var summary = BacktestRunner.Run(new StringReader(csv), output);
        return (output.ToString(), summary);
    }

    /// <summary>A day of minutes with a quiet daily wave, a spike at <paramref name="spikeAt"/>, formatted by <paramref name="time"/>.</summary>
    private static string Series(Func<DateTimeOffset, string> time, string header = "timestamp,value", int spikeAt = 900)
    {
        var csv = new StringBuilder(header + "\n");
        var start = DateTimeOffset.Parse("2026-11-20T00:00:00Z", CultureInfo.InvariantCulture);
        var random = new Random(3);
        for (var i = 0; i < 1440; i++)
        {
            var t = start.AddMinutes(i);
            var value = 40 + (10 * Math.Sin(i / 1440.0 * 2 * Math.PI)) + random.NextDouble() - 0.5 + (i == spikeAt ? 45 : 0);
            csv.Append(time(t)).Append(',').Append(value.ToString("0.00", CultureInfo.InvariantCulture)).Append('\n');
        }

        return csv.ToString();
    }

    public static TheoryData<string> TimestampFormats() => ["iso", "iso-offset", "iso-no-offset", "space", "epoch-s", "epoch-ms"];

    private static string Format(string format, DateTimeOffset t) => format switch
    {
        "iso" => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        "iso-offset" => t.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        "iso-no-offset" => t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        "space" => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        "epoch-s" => t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        _ => t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
    };

    [Theory]
    [MemberData(nameof(TimestampFormats))]
    public void Run_EachTimestampFormat_ScoresTheSpikeRowAndKeepsEveryRow(string format)
    {
        var input = Series(t => Format(format, t));

        var (output, summary) = Run(input);
        var lines = output.TrimEnd('\n').Split('\n');

        Assert.Equal(1440, summary.Rows);
        Assert.Equal(0, summary.RowsWithoutTime);
        Assert.Equal("timestamp,value,anomaly_score,detector", lines[0]);
        Assert.Equal(1441, lines.Length);
        var inputLines = input.TrimEnd('\n').Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            Assert.StartsWith(inputLines[i] + ",", lines[i], StringComparison.Ordinal);
        }

        var spike = lines[901].Split(',');
        Assert.Equal(("1.000", "spike:value"), (spike[2], spike[3]));
        Assert.Single(summary.Incidents);
        // The calibrated stage holds an alarm's score for the 20 readings after it (one episode, one alarm run).
        Assert.Equal(0, lines.Skip(1).Where((_, i) => i < 900 || i > 920).Count(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture) >= BacktestRunner.OpenAt));
    }

    [Fact]
    public void Run_TimeColumnNotFirst_AndUnsortedRows_ScoresAsIfLiveAndWritesInInputOrder()
    {
        var sorted = Series(t => Format("iso", t), header: "time,value").TrimEnd('\n').Split('\n');
        var swapped = sorted.Skip(1).Select(l => l.Split(',')).Select(f => $"{f[1]},{f[0]}").Reverse().ToList();
        var input = "value,time\n" + string.Join('\n', swapped) + "\n";

        var (output, _) = Run(input);
        var lines = output.TrimEnd('\n').Split('\n');

        // Written in input order (newest first here), but the spike is still scored against the rows before it in time.
        Assert.Equal(swapped[0] + ",", lines[1][..(swapped[0].Length + 1)]);
        var spikeLine = lines.Single(l => l.Contains("2026-11-20T15:00:00", StringComparison.Ordinal));
        Assert.EndsWith(",1.000,spike:value", spikeLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ScoreDependsOnlyOnEarlierRows()
    {
        var full = Run(Series(t => Format("iso", t))).Output.Split('\n');
        var half = Series(t => Format("iso", t)).Split('\n').Take(721);
        var prefix = Run(string.Join('\n', half) + "\n").Output.Split('\n');

        Assert.Equal(full.Take(721), prefix.Take(721));
    }

    [Fact]
    public void Run_InfluxExportWithDevicesAndMetrics_KeepsSeriesApartAndAppliesRules()
    {
        var csv = new StringBuilder("time,device,avg_speed_kmh,occupancy_pct\n");
        var start = DateTimeOffset.Parse("2026-11-20T00:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        for (var i = 0; i < 60; i++)
        {
            var jammed = i is >= 30 and < 45;
            csv.Append(CultureInfo.InvariantCulture, $"{start + (i * 60_000)},trf-a,{(jammed ? 8 : 45)},{(jammed ? 80 : 20)}\n");
            csv.Append(CultureInfo.InvariantCulture, $"{start + (i * 60_000)},trf-b,45,20\n");
        }

        var (output, summary) = Run(csv.ToString());

        var congestion = Assert.Single(summary.Incidents, i => i.Kind == "congestion");
        Assert.Equal("trf-a", congestion.Subject);
        Assert.NotNull(congestion.Cleared);
        Assert.Contains(output.Split('\n'), l => l.Contains(",trf-a,", StringComparison.Ordinal) && l.EndsWith("rule:congestion", StringComparison.Ordinal));
        Assert.DoesNotContain(output.Split('\n'), l => l.Contains(",trf-b,", StringComparison.Ordinal) && l.Contains("rule:", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_QuotedFieldsAndUnreadableTimes_ArePreserved()
    {
        var (output, summary) = Run("timestamp,label,value\n2026-11-20T00:00:00Z,\"a, \"\"quoted\"\" label\",3\nnot a time,x,4\n");
        var lines = output.TrimEnd('\n').Split('\n');

        Assert.Equal("2026-11-20T00:00:00Z,\"a, \"\"quoted\"\" label\",3,0.000,", lines[1]);
        Assert.Equal("not a time,x,4,,unparsed_time", lines[2]);
        Assert.Equal(1, summary.RowsWithoutTime);
    }

    [Fact]
    public void Run_EmptyFile_IsAClearError() =>
        Assert.Throws<InvalidDataException>(() => Run(string.Empty));
}
