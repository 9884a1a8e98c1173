using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using IocCenter.LineProtocol;
using IocCenter.Telemetry;

namespace IocCenter.Tests.LineProtocol;

public class LineProtocolWriterTests
{
    [Fact]
    public void AppendPoint_TypicalReading_WritesSortedTagsIntegersAndFloats()
    {
        var line = LineProtocolWriter.Format(
            "traffic",
            [new("area", "29905"), new("device", "dt-trf-001")],
            [new MetricValue("vehicle_count", 12, true), new MetricValue("avg_speed_kmh", 41.5, false), new MetricValue("occupancy_pct", 7, false)],
            1795342530123);

        Assert.Equal("traffic,area=29905,device=dt-trf-001 vehicle_count=12i,avg_speed_kmh=41.5,occupancy_pct=7 1795342530123\n", line);
    }

    [Fact]
    public void AppendPoint_SpecialCharacters_AreEscaped()
    {
        var line = LineProtocolWriter.Format(
            "my measurement,x",
            [new("area", "TP. Cao Lãnh"), new("device", "a,b=c d\"e\\f\\")],
            [new MetricValue("f=1 g,h", 1.25, false)],
            1);

        Assert.Equal("my\\ measurement\\,x,area=TP.\\ Cao\\ Lãnh,device=a\\,b\\=c\\ d\"e\\f\uFFFD f\\=1\\ g\\,h=1.25 1\n", line);
    }

    [Fact]
    public void AppendPoint_Newline_CannotStartASecondPoint()
    {
        var line = LineProtocolWriter.Format("traffic", [new("device", "x\ntraffic,device=y v=1 1")], [new MetricValue("v", 1, false)], 5);

        var point = SingleLine(line);
        Assert.Single(point.Tags);
        Assert.Equal("x\uFFFDtraffic,device=y v=1 1", point.Tags[0].Value);
    }

    /// <summary>Exactly one line, read back by the production reader (InfluxDB's reading rules; the integration tests also check real influxd).</summary>
    private static LinePoint SingleLine(string line)
    {
        Assert.True(line.EndsWith('\n') && line.IndexOf('\n') == line.Length - 1, "exactly one line");
        Assert.True(LineProtocolReader.TryRead(Encoding.UTF8.GetBytes(line).AsSpan(..^1), out var point, out var error), error);
        return point!;
    }

    [Fact]
    public void Reader_ReportsTheMalformedLine_WithWhatIsWrong()
    {
        var points = new List<LinePoint>();

        Assert.False(LineProtocolReader.TryReadAll("traffic,device=a v=1 1\ntraffic,device=b v=abc 2\n"u8, points, out var error));

        Assert.Equal("line 2: field 'v' has a value that is not a number: 'abc'", error);
        Assert.Single(points);
        Assert.False(LineProtocolReader.TryRead("traffic,device=a v=1"u8, out _, out error));
        Assert.Equal("no timestamp (milliseconds) at the end", error);
        Assert.False(LineProtocolReader.TryRead("traffic,device=a 5"u8, out _, out error));
    }

    [Fact]
    public void AppendPoint_EmptyTagValue_IsLeftOut() =>
        Assert.Equal("traffic,device=d v=1 5\n", LineProtocolWriter.Format("traffic", [new("area", null), new("device", "d")], [new MetricValue("v", 1, false)], 5));

    [Property(MaxTest = 500)]
    public Property AnyNamesAndValues_YieldExactlyOneLineThatRoundTrips(NonEmptyString measurement, NonEmptyString device, NonEmptyString metric, NormalFloat value, long integer, long timestamp)
    {
        var asInteger = integer % 9_007_199_254_740_992L;
        var line = LineProtocolWriter.Format(
            measurement.Get,
            [new("area", "khu vực"), new("device", device.Get)],
            [new MetricValue(metric.Get, value.Get, false), new MetricValue("n", asInteger, true)],
            timestamp);

        var point = SingleLine(line);

        return (point.Measurement == Sanitized(measurement.Get)
                && point.Tags.Count == 2
                && point.Tags[1].Value == Sanitized(device.Get)
                && point.Fields.Count == 2
                && point.Fields[0].Name == Sanitized(metric.Get)
                && point.Fields[0].Value == value.Get && !point.Fields[0].IsInteger
                && point.Fields[1].Value == asInteger && point.Fields[1].IsInteger
                && point.TimestampMs == timestamp)
            .Label(line);
    }

    /// <summary>
    /// What a name becomes: control characters, broken surrogates, and a backslash that ends the name or stands
    /// before a comma, equals sign or space turn into U+FFFD; nothing else changes.
    /// </summary>
    private static string Sanitized(string name)
    {
        var runes = name.EnumerateRunes().ToArray();
        var builder = new StringBuilder();
        for (var i = 0; i < runes.Length; i++)
        {
            var value = runes[i].Value;
            var unrepresentable = value < 0x20 || value == 0x7F
                || (value == '\\' && (i == runes.Length - 1 || runes[i + 1].Value is ',' or '=' or ' '));
            builder.Append(unrepresentable ? Rune.ReplacementChar : runes[i]);
        }

        return builder.ToString();
    }

    [Fact]
    public void AppendPoint_Backslashes_AreLiteralUnlessInfluxWouldReadThemAsEscapes() =>
        Assert.Equal(
            "m,device=a\\b\uFFFD\\,c\uFFFD v=1 1\n",
            LineProtocolWriter.Format("m", [new("device", "a\\b\\,c\\")], [new MetricValue("v", 1, false)], 1));
}
