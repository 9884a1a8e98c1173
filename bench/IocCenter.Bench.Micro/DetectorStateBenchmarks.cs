using System.Buffers;
using BenchmarkDotNet.Attributes;
using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Live;
using IocCenter.Simulators.Fleet;
using IocCenter.Telemetry;

namespace IocCenter.Bench.Micro;

/// <summary>
/// Saving and loading what the detectors learnt (<c>detectors.state</c>) at the README's sizing, 50,000 devices of the
/// simulator's mix: the save runs in the analytics loop (every 10 minutes and at stop), so its time is a pause of the loop.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(BenchmarkDotNet.Engines.RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class DetectorStateBenchmarks
{
    private const long Minute = 60_000;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "iocc-bench-state-" + Guid.NewGuid().ToString("N")[..8]);
    private DetectorSet _set = null!;
    private string _path = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_folder);
        _path = Path.Combine(_folder, DetectorState.FileName);
        var fleet = FleetPlan.Create(new FleetOptions { Traffic = 20_000, Environment = 10_000, Connectivity = 20_000 }, IocCenter.Geography.ProvincePack.Open());
        var parser = new TelemetryPayloadParser(new ContractLimits { MaxAge = TimeSpan.FromDays(3650) });
        var batch = new TelemetryBatch();
        var changes = new List<ConditionChange>();
        var start = DateTimeOffset.Parse("2026-11-16T00:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        _set = new DetectorSet(new RuleOptions(), IocCenter.Analytics.AnalyticsOptions.DefaultAnomalyThreshold);

        // The state's size does not depend on how much a series has seen: 30 readings each fill every part of it.
        for (var i = 0; i < 30; i++)
        {
            var t = start + (i * Minute);
            foreach (var device in fleet)
            {
                parser.Parse(new ReadOnlySequence<byte>(device.NextPayload(t)), t, batch, out _);
                changes.Clear();
                _set.Feed(new DeviceSample(device.Record.Id, device.Record.Domain, "sa-dec", t, batch.Metrics(0)), changes);
            }
        }

        DetectorState.Save(_set, _path, DateTimeOffset.UnixEpoch);
        Console.WriteLine($"// {_set.DeviceCount:N0} devices, {_set.SeriesCount:N0} series, state file {new FileInfo(_path).Length:N0} bytes");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Description = "detector state: save 50,000 devices (fsynced)")]
    public int Save() => DetectorState.Save(_set, _path, DateTimeOffset.UnixEpoch);

    [Benchmark(Description = "detector state: load 50,000 devices")]
    public int Load() => DetectorState.Load(new DetectorSet(new RuleOptions(), IocCenter.Analytics.AnalyticsOptions.DefaultAnomalyThreshold), _path, DateTimeOffset.UnixEpoch)?.Series ?? 0;
}
