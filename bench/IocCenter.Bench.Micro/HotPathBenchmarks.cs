using System.Buffers;
using BenchmarkDotNet.Attributes;
using IocCenter.Analytics.Detectors;
using IocCenter.LineProtocol;
using IocCenter.Simulators.Fleet;
using IocCenter.Telemetry;

namespace IocCenter.Bench.Micro;

/// <summary>The per-message and per-sample work of ingest and analytics, on realistic simulator payloads.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class HotPathBenchmarks
{
    private const long Minute = 60_000;
    private readonly TelemetryPayloadParser _parser = new(new ContractLimits { MaxAge = TimeSpan.FromDays(3650) });
    private readonly TelemetryBatch _batch = new();
    private readonly ArrayBufferWriter<byte> _lines = new(1 << 20);
    private readonly KeyValuePair<string, string?>[] _tags = [new("area", "29905"), new("device", "dt-trf-29905-1")];
    private byte[][] _payloads = [];
    private MetricValue[][] _traffic = [];
    private MetricValue[][] _environment = [];
    private long[] _times = [];
    private RuleEngine _rules = null!;
    private SeriesDetector[] _series = [];
    private List<ConditionChange> _changes = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var fleet = FleetPlan.Create(new FleetOptions { Traffic = 1, Environment = 1, Connectivity = 1 }, IocCenter.Geography.ProvincePack.Open());
        var start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        const int Samples = 4 * 24 * 60;
        _times = Enumerable.Range(0, Samples).Select(i => start + (i * Minute)).ToArray();
        _payloads = _times.Select(t => fleet[0].NextPayload(t)).ToArray();
        _traffic = Parse(_payloads);
        _environment = Parse(_times.Select(t => fleet[1].NextPayload(t)).ToArray());

        // Warm the detectors with a day, as a running service would be.
        _rules = new RuleEngine(new RuleOptions());
        _series = Enumerable.Range(0, 12).Select(_ => new SeriesDetector()).ToArray();
        _changes = [];
        for (var i = 0; i < 24 * 60; i++)
        {
            Detect(i);
        }

        _next = 24 * 60;
    }

    private MetricValue[][] Parse(byte[][] payloads) =>
        payloads.Select(p =>
        {
            _parser.Parse(new ReadOnlySequence<byte>(p), _times[^1], _batch, out _);
            return _batch.Metrics(0).ToArray();
        }).ToArray();

    [Benchmark(Description = "parse + validate one payload")]
    public int ParseAndValidate()
    {
        var i = _next++ % _payloads.Length;
        _parser.Parse(new ReadOnlySequence<byte>(_payloads[i]), _times[^1], _batch, out _);
        return _batch.Count;
    }

    [Benchmark(Description = "encode one point (line protocol)")]
    public int Encode()
    {
        var i = _next++ % _traffic.Length;
        if (_lines.WrittenCount > (1 << 19))
        {
            _lines.ResetWrittenCount();
        }

        LineProtocolWriter.AppendPoint(_lines, "traffic", _tags, _traffic[i], _times[i]);
        return _lines.WrittenCount;
    }

    /// <summary>One traffic sample (3 metrics) and one environment sample (9): rules + a series detector per metric.</summary>
    [Benchmark(Description = "detectors: 2 samples, 12 metrics")]
    public int Detectors()
    {
        var i = _next++;
        if (i >= _times.Length)
        {
            _next = 24 * 60;
            i = _next++;
        }

        Detect(i);
        return _changes.Count;
    }

    private void Detect(int i)
    {
        _changes.Clear();
        var traffic = _traffic[i];
        var environment = _environment[i];
        _rules.Observe(new DeviceSample("trf-1", TelemetryDomain.Traffic, "29905", _times[i], traffic), _changes);
        _rules.Observe(new DeviceSample("env-1", TelemetryDomain.Environment, "sa-dec", _times[i], environment), _changes);
        for (var m = 0; m < traffic.Length && m < 3; m++)
        {
            _series[m].Observe(_times[i], traffic[m].Value);
        }

        for (var m = 0; m < environment.Length && m < 9; m++)
        {
            _series[3 + m].Observe(_times[i], environment[m].Value);
        }
    }
}
