using System.Buffers;
using BenchmarkDotNet.Attributes;
using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Ml;
using IocCenter.Simulators.Fleet;
using IocCenter.Telemetry;

namespace IocCenter.Bench.Micro;

/// <summary>
/// The whole detector set the live loop runs (rules, a series detector per metric, the per-device anomaly
/// condition) per sample, with and without the PCA models (trained on two simulated days, as live would).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class DetectorSetBenchmarks
{
    private const long Minute = 60_000;
    private readonly List<ConditionChange> _changes = [];
    private (string Device, TelemetryDomain Domain, long T, MetricValue[] Metrics)[] _samples = [];
    private DetectorSet _plain = null!;
    private DetectorSet _withPca = null!;
    private string _models = string.Empty;
    private int _next;
    private int _warm;

    [Params(false, true)]
    public bool Pca { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var fleet = FleetPlan.Create(new FleetOptions { Traffic = 1, Environment = 1, Connectivity = 1 }, IocCenter.Geography.ProvincePack.Open());
        var parser = new TelemetryPayloadParser(new ContractLimits { MaxAge = TimeSpan.FromDays(3650) });
        var batch = new TelemetryBatch();
        var start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        var samples = new List<(string, TelemetryDomain, long, MetricValue[])>();
        var history = new InMemoryTelemetryHistory();
        for (var i = 0; i < 5 * 24 * 60; i++)
        {
            var t = start + (i * Minute);
            foreach (var device in fleet)
            {
                parser.Parse(new ReadOnlySequence<byte>(device.NextPayload(t)), t, batch, out _);
                var metrics = batch.Metrics(0).ToArray();
                samples.Add((device.Record.Id, device.Record.Domain, t, metrics));
                if (i < 2 * 24 * 60)
                {
                    history.Add(device.Record.Domain, device.Record.Id, t, metrics);
                }
            }
        }

        _samples = [.. samples];
        _models = Path.Combine(Path.GetTempPath(), "iocc-bench-models-" + Guid.NewGuid().ToString("N")[..8]);
        var pca = new PcaSupervisor(_models);
        pca.TrainAsync(history, DateTimeOffset.FromUnixTimeMilliseconds(start + (2 * 86_400_000L)), CancellationToken.None).GetAwaiter().GetResult();
        if (pca.Versions.Count != 3)
        {
            throw new InvalidOperationException("PCA training failed: " + string.Join("; ", pca.LastOutcome.Values));
        }

        _plain = new DetectorSet(new RuleOptions(), IocCenter.Analytics.AnalyticsOptions.DefaultAnomalyThreshold);
        _withPca = new DetectorSet(new RuleOptions(), IocCenter.Analytics.AnalyticsOptions.DefaultAnomalyThreshold, pca);

        // Warm both with two days, as a running service would be.
        _warm = 2 * 24 * 60 * 3;
        for (var i = 0; i < _warm; i++)
        {
            Observe(_plain, i);
            Observe(_withPca, i);
        }

        _next = _warm;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_models, recursive: true);

    /// <summary>One sample (a traffic, environment or connectivity reading, in turn).</summary>
    [Benchmark(Description = "detector set: one sample")]
    public int OneSample()
    {
        var i = _next++;
        if (i >= _samples.Length)
        {
            _next = _warm;
            i = _next++;
        }

        return Observe(Pca ? _withPca : _plain, i);
    }

    private int Observe(DetectorSet set, int i)
    {
        _changes.Clear();
        var (device, domain, t, metrics) = _samples[i];
        set.Feed(new DeviceSample(device, domain, "sa-dec", t, metrics), _changes);
        return _changes.Count;
    }
}
