using System.Buffers;
using System.Text;
using IocCenter.Telemetry;

namespace IocCenter.Tests.Telemetry;

public class TelemetryPayloadParserTests
{
    private static readonly long Now = DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    private readonly TelemetryPayloadParser _parser = new(new ContractLimits { MaxBatchLength = 3, MaxMetricsPerReading = 4, MaxPayloadBytes = 1024 });
    private readonly TelemetryBatch _batch = new();

    private RejectReason Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    private RejectReason Parse(byte[] bytes) => _parser.Parse(new ReadOnlySequence<byte>(bytes), Now, _batch, out _);

    [Fact]
    public void Parse_SingleReading_FillsTimestampAndMetrics()
    {
        Assert.Equal(RejectReason.None, Parse("""{"ts":"2026-11-22T10:15:30.123+07:00","metrics":{"vehicle_count":12,"avg_speed_kmh":41.5}}"""));

        Assert.Equal(1, _batch.Count);
        Assert.Equal(DateTimeOffset.Parse("2026-11-22T03:15:30.123Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), _batch.TimestampMs(0));
        var metrics = _batch.Metrics(0).ToArray();
        Assert.Equal([new MetricValue("vehicle_count", 12, true), new MetricValue("avg_speed_kmh", 41.5, false)], metrics);
    }

    [Fact]
    public void Parse_Array_YieldsEveryReadingInOrder()
    {
        Assert.Equal(RejectReason.None, Parse($$"""[{"ts":{{Now - 2000}},"metrics":{"pm25_ugm3":10} },{"ts":{{Now - 1000}},"metrics":{"pm25_ugm3":11,"custom_metric":3} }]"""));

        Assert.Equal(2, _batch.Count);
        Assert.Equal(Now - 2000, _batch.TimestampMs(0));
        Assert.Equal(Now - 1000, _batch.TimestampMs(1));
        Assert.Equal(new MetricValue("custom_metric", 3, false), _batch.Metrics(1)[1]);
    }

    [Fact]
    public void Parse_NoTimestamp_UsesTimeReceived()
    {
        Assert.Equal(RejectReason.None, Parse("""{"metrics":{"latency_ms":12.5},"firmware":{"v":[1,2]}}"""));
        Assert.Equal(Now, _batch.TimestampMs(0));
    }

    [Fact]
    public void Parse_IntegralFloatForIntegerMetric_IsAccepted()
    {
        Assert.Equal(RejectReason.None, Parse("""{"metrics":{"clients":5.0}}"""));
        Assert.Equal(new MetricValue("clients", 5, true), _batch.Metrics(0)[0]);
    }

    [Theory]
    [InlineData("", RejectReason.PayloadEmpty)]
    [InlineData("not json", RejectReason.JsonInvalid)]
    [InlineData("""{"metrics":{"a":1}""", RejectReason.JsonInvalid)]
    [InlineData("""{"metrics":{"a":1}} trailing""", RejectReason.JsonInvalid)]
    [InlineData("""{"metrics":{"a":NaN}}""", RejectReason.JsonInvalid)]
    [InlineData("42", RejectReason.PayloadNotObject)]
    [InlineData("[1]", RejectReason.PayloadNotObject)]
    [InlineData("[]", RejectReason.BatchEmpty)]
    [InlineData("""[{"metrics":{"a":1}},{"metrics":{"a":1}},{"metrics":{"a":1}},{"metrics":{"a":1}}]""", RejectReason.BatchTooLarge)]
    [InlineData("""{"ts":null,"ts":null,"metrics":{"a":1}}""", RejectReason.DuplicateKey)]
    [InlineData("""{"metrics":{"a":1},"metrics":{"b":1}}""", RejectReason.DuplicateKey)]
    [InlineData("""{"metrics":{"a":1,"a":2}}""", RejectReason.DuplicateKey)]
    [InlineData("""{"ts":"2026-11-22T10:00:00Z"}""", RejectReason.MetricsMissing)]
    [InlineData("""{"metrics":[1,2]}""", RejectReason.MetricsMissing)]
    [InlineData("""{"metrics":{}}""", RejectReason.MetricsEmpty)]
    [InlineData("""{"metrics":{"a":1,"b":2,"c":3,"d":4,"e":5}}""", RejectReason.TooManyMetrics)]
    [InlineData("""{"metrics":{"Bad-Name":1}}""", RejectReason.MetricNameInvalid)]
    [InlineData("""{"metrics":{"1abc":1}}""", RejectReason.MetricNameInvalid)]
    [InlineData("""{"metrics":{"time":1}}""", RejectReason.MetricNameInvalid)]
    [InlineData("""{"metrics":{"device":1}}""", RejectReason.MetricNameInvalid)]
    [InlineData("""{"metrics":{"a,b":1}}""", RejectReason.MetricNameInvalid)]
    [InlineData("""{"metrics":{"pm25_ugm3":"12"}}""", RejectReason.MetricValueNotNumber)]
    [InlineData("""{"metrics":{"pm25_ugm3":null}}""", RejectReason.MetricValueNotNumber)]
    [InlineData("""{"metrics":{"pm25_ugm3":true}}""", RejectReason.MetricValueNotNumber)]
    [InlineData("""{"metrics":{"pm25_ugm3":{"v":1}}}""", RejectReason.MetricValueNotNumber)]
    [InlineData("""{"metrics":{"pm25_ugm3":1e400}}""", RejectReason.MetricValueNotFinite)]
    [InlineData("""{"metrics":{"vehicle_count":2.5}}""", RejectReason.MetricNotInteger)]
    [InlineData("""{"metrics":{"vehicle_count":-1}}""", RejectReason.MetricOutOfRange)]
    [InlineData("""{"metrics":{"humidity_pct":100.5}}""", RejectReason.MetricOutOfRange)]
    [InlineData("""{"metrics":{"occupancy_pct":-0.1}}""", RejectReason.MetricOutOfRange)]
    [InlineData("""{"metrics":{"avg_speed_kmh":251}}""", RejectReason.MetricOutOfRange)]
    [InlineData("""{"metrics":{"pm25_ugm3":-3}}""", RejectReason.MetricOutOfRange)]
    [InlineData("""{"ts":"2026-11-22T10:00:00","metrics":{"a":1}}""", RejectReason.TimestampInvalid)]
    [InlineData("""{"ts":"yesterday","metrics":{"a":1}}""", RejectReason.TimestampInvalid)]
    [InlineData("""{"ts":1.5e12,"metrics":{"a":1}}""", RejectReason.TimestampInvalid)]
    [InlineData("""{"ts":true,"metrics":{"a":1}}""", RejectReason.TimestampInvalid)]
    [InlineData("""{"ts":"2026-11-22T10:06:00Z","metrics":{"a":1}}""", RejectReason.TimestampInFuture)]
    [InlineData("""{"ts":"2100-01-01T00:00:00Z","metrics":{"a":1}}""", RejectReason.TimestampInFuture)]
    [InlineData("""{"ts":"2026-11-15T09:59:59Z","metrics":{"a":1}}""", RejectReason.TimestampTooOld)]
    [InlineData("""{"ts":0,"metrics":{"a":1}}""", RejectReason.TimestampTooOld)]
    public void Parse_InvalidPayload_RejectsWithReason(string json, RejectReason expected)
    {
        Assert.Equal(expected, Parse(json));
        Assert.Equal(0, _batch.Count);
    }

    [Fact]
    public void Parse_OneBadReadingInArray_RejectsWholeMessageAndNamesTheIndex()
    {
        var reason = _parser.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("""[{"metrics":{"a":1}},{"metrics":{"humidity_pct":120}}]""")), Now, _batch, out var detail);

        Assert.Equal(RejectReason.MetricOutOfRange, reason);
        Assert.StartsWith("[1]", detail);
        Assert.Equal(0, _batch.Count);
    }

    [Fact]
    public void Parse_InvalidUtf8_IsRejected() =>
        Assert.Equal(RejectReason.PayloadNotUtf8, Parse([(byte)'{', 0xC3, 0x28, (byte)'}']));

    [Fact]
    public void Parse_TooLarge_IsRejectedBeforeParsing() =>
        Assert.Equal(RejectReason.PayloadTooLarge, Parse(new byte[1025]));

    [Fact]
    public void Parse_DeeplyNested_IsRejected() =>
        Assert.Equal(RejectReason.JsonInvalid, Parse("""{"extra":""" + new string('[', 100) + new string(']', 100) + ""","metrics":{"a":1}}"""));

    [Fact]
    public void Parse_EscapedMetricName_IsUnescapedBeforeValidation()
    {
        Assert.Equal(RejectReason.None, Parse("""{"metrics":{"pm25\u005fugm3":3}}"""));
        Assert.Equal("pm25_ugm3", _batch.Metrics(0)[0].Name);
    }

    [Fact]
    public void Parse_PayloadSplitAcrossSegments_ParsesTheSame()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"metrics":{"noise_dba":55.5,"temperature_c":31}}""");
        var first = new Segment(bytes.AsMemory(0, 17));
        var last = first.Append(bytes.AsMemory(17));

        var reason = _parser.Parse(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), Now, _batch, out _);

        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(2, _batch.Metrics(0).Length);
    }

    [Fact]
    public void EveryContractReason_IsCoveredByThisSuite()
    {
        // Reasons decided outside the payload parser are covered by the topic, decoder and drain tests.
        var covered = new HashSet<RejectReason>
        {
            RejectReason.TopicInvalid, RejectReason.DomainUnknown, RejectReason.DeviceIdInvalid, RejectReason.StatusInvalid, RejectReason.StoreRejected,
            RejectReason.PayloadNotUtf8, RejectReason.PayloadTooLarge,
        };
        var theory = typeof(TelemetryPayloadParserTests).GetMethod(nameof(Parse_InvalidPayload_RejectsWithReason))!;
        foreach (var data in theory.GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>())
        {
            covered.Add((RejectReason)data.GetData(theory).Single()[1]);
        }

        Assert.DoesNotContain(RejectReasons.All, r => !covered.Contains(r));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
