using IocCenter.LineProtocol;
using IocCenter.Telemetry;

namespace IocCenter.IntegrationTests;

/// <summary>
/// What every telemetry store must do (InfluxDB and the embedded SQLite store run the same tests): it takes
/// ingest's line protocol, keeps one point per (measurement, device, time) with later fields winning, refuses a
/// malformed line, keeps device names exactly; readings come back per device, oldest first, limited per device to
/// the latest ones and in devices, only within the window and the domain, with every numeric metric.
/// </summary>
public abstract class TelemetryHistoryContract
{
    protected static readonly DateTimeOffset Base = DateTimeOffset.Parse("2026-11-20T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A new, empty store (created) and the history that reads it.</summary>
    protected abstract Task<(Storage.ITelemetryStore Store, ITelemetryHistory History)> CreateAsync();

    /// <summary>Stores points (domain, device, time, metrics) and returns the history to read them with.</summary>
    private async Task<ITelemetryHistory> StoreAsync(IReadOnlyList<(TelemetryDomain Domain, string Device, long TimestampMs, MetricValue[] Metrics)> points)
    {
        var (store, history) = await CreateAsync();
        var result = await store.WriteAsync(LineProtocolOf(points), CancellationToken.None);
        Assert.True(result.Outcome == Storage.TelemetryWriteOutcome.Written, result.Message);
        return history;
    }

    [Fact]
    public async Task Ping_AnswersForAReadyStore()
    {
        var (store, _) = await CreateAsync();

        Assert.True(await store.PingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SamePointWrittenTwice_IsOnePoint_WithTheLaterFieldsWinning()
    {
        var (store, history) = await CreateAsync();
        var t = Base.ToUnixTimeMilliseconds();
        await store.WriteAsync(LineProtocolOf([(TelemetryDomain.Traffic, "trf-1", t, [new("avg_speed_kmh", 30.5, false), new("vehicle_count", 7, true)])]), CancellationToken.None);

        var again = await store.WriteAsync(LineProtocolOf([(TelemetryDomain.Traffic, "trf-1", t, [new("avg_speed_kmh", 31.5, false)])]), CancellationToken.None);

        Assert.Equal(Storage.TelemetryWriteOutcome.Written, again.Outcome);
        var reading = Assert.Single(await history.ReadAsync(TelemetryDomain.Traffic, Base, Base.AddMinutes(1), 10, 10, CancellationToken.None));
        Assert.Equal(31.5, reading.Metrics.Single(m => m.Name == "avg_speed_kmh").Value);
        Assert.Equal(7, reading.Metrics.Single(m => m.Name == "vehicle_count").Value);
    }

    [Fact]
    public async Task DeviceNamesWithLineProtocolSpecials_ReadBackExactly()
    {
        string[] devices = ["a,b", "c d", "e=f", "TP. Cao Lãnh #1", "back\\slash"];
        var t = Base.ToUnixTimeMilliseconds();
        var history = await StoreAsync(devices.Select(d => (TelemetryDomain.Environment, d, t, new MetricValue[] { new("pm25_ugm3", 12.5, false) })).ToList());

        var readings = await history.ReadAsync(TelemetryDomain.Environment, Base, Base.AddMinutes(1), 10, 10, CancellationToken.None);

        Assert.Equal(devices.Order(StringComparer.Ordinal), readings.Select(r => r.DeviceId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Series_IsDownsampledByTheStore_IntoBucketsWithMeanMinAndMax_ForOneDeviceAndMetric()
    {
        // trf-0's vehicle_count is 0..9 at minutes 0..9; two-minute buckets: (0,1) (2,3) … (8,9).
        var history = await StoreAsync(Points());

        var series = await history.SeriesAsync(TelemetryDomain.Traffic, "trf-0", "vehicle_count", Base, Base.AddMinutes(10), TimeSpan.FromMinutes(2), CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 5).Select(b => Base.AddMinutes(2 * b).ToUnixTimeMilliseconds()), series.Select(p => p.StartMs));
        Assert.Equal([0.5, 2.5, 4.5, 6.5, 8.5], series.Select(p => p.Mean));
        Assert.Equal([0.0, 2, 4, 6, 8], series.Select(p => p.Min));
        Assert.Equal([1.0, 3, 5, 7, 9], series.Select(p => p.Max));
        var narrow = await history.SeriesAsync(TelemetryDomain.Traffic, "trf-2", "avg_speed_kmh", Base.AddMinutes(3), Base.AddMinutes(5), TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal([43.5, 44.5], narrow.Select(p => p.Mean));
        Assert.Empty(await history.SeriesAsync(TelemetryDomain.Traffic, "trf-9", "vehicle_count", Base, Base.AddHours(1), TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Empty(await history.SeriesAsync(TelemetryDomain.Traffic, "it's \\ odd", "vehicle_count", Base, Base.AddHours(1), TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task AMalformedLine_IsRefused_AsNotRetryable()
    {
        var (store, _) = await CreateAsync();

        var result = await store.WriteAsync("traffic,device=a avg_speed_kmh=fast 1\n"u8.ToArray(), CancellationToken.None);

        Assert.Equal(Storage.TelemetryWriteOutcome.Rejected, result.Outcome);
        Assert.False(string.IsNullOrEmpty(result.Message));
    }

    private static List<(TelemetryDomain, string, long, MetricValue[])> Points()
    {
        var points = new List<(TelemetryDomain, string, long, MetricValue[])>();
        for (var d = 0; d < 3; d++)
        {
            for (var m = 0; m < 10; m++)
            {
                var t = Base.AddMinutes(m).ToUnixTimeMilliseconds();
                points.Add((TelemetryDomain.Traffic, $"trf-{d}", t, [new("vehicle_count", (d * 100) + m, true), new("avg_speed_kmh", 40.5 + m, false)]));
            }
        }

        points.Add((TelemetryDomain.Environment, "env-0", Base.ToUnixTimeMilliseconds(), [new("pm25_ugm3", 12.5, false)]));
        return points;
    }

    [Fact]
    public async Task Read_ReturnsEachDevicesReadingsOldestFirst_WithTheirMetrics_InTheWindowAndDomainOnly()
    {
        var history = await StoreAsync(Points());

        var readings = await history.ReadAsync(TelemetryDomain.Traffic, Base.AddMinutes(2), Base.AddMinutes(8), maxDevices: 10, maxPerDevice: 100, CancellationToken.None);

        Assert.Equal(18, readings.Count); // 3 devices × minutes 2..7
        foreach (var device in readings.GroupBy(r => r.DeviceId))
        {
            var times = device.Select(r => r.TimestampMs).ToArray();
            Assert.Equal(Enumerable.Range(2, 6).Select(m => Base.AddMinutes(m).ToUnixTimeMilliseconds()), times);
        }

        var first = readings.First(r => r.DeviceId == "trf-1");
        Assert.Equal(102, first.Metrics.Single(m => m.Name == "vehicle_count").Value);
        Assert.Equal(42.5, first.Metrics.Single(m => m.Name == "avg_speed_kmh").Value);
        Assert.DoesNotContain(readings, r => r.DeviceId == "env-0");
    }

    [Fact]
    public async Task Read_IsBoundedInDevices_AndKeepsTheLatestReadingsOfEach()
    {
        var history = await StoreAsync(Points());

        var readings = await history.ReadAsync(TelemetryDomain.Traffic, Base, Base.AddHours(1), maxDevices: 2, maxPerDevice: 4, CancellationToken.None);

        Assert.Equal(2, readings.Select(r => r.DeviceId).Distinct().Count());
        foreach (var device in readings.GroupBy(r => r.DeviceId))
        {
            Assert.Equal(Enumerable.Range(6, 4).Select(m => Base.AddMinutes(m).ToUnixTimeMilliseconds()), device.Select(r => r.TimestampMs));
        }
    }

    [Fact]
    public async Task Read_OfAnEmptyWindow_IsEmpty()
    {
        var history = await StoreAsync(Points());

        var readings = await history.ReadAsync(TelemetryDomain.Connectivity, Base, Base.AddHours(1), 10, 10, CancellationToken.None);

        Assert.Empty(readings);
    }

    /// <summary>The points as line protocol, the way ingest writes them (tags area and device).</summary>
    internal static byte[] LineProtocolOf(IReadOnlyList<(TelemetryDomain Domain, string Device, long TimestampMs, MetricValue[] Metrics)> points)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var p in points)
        {
            LineProtocolWriter.AppendPoint(buffer, p.Domain.Name(), [new("area", "29905"), new("device", p.Device)], p.Metrics, p.TimestampMs);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>The contract against a real InfluxDB.</summary>
public sealed class InfluxTelemetryStoreTests(ServicesFixture services) : TelemetryHistoryContract, IClassFixture<ServicesFixture>
{
    protected override async Task<(Storage.ITelemetryStore Store, ITelemetryHistory History)> CreateAsync()
    {
        var influx = services.InfluxClient("hist_" + Guid.NewGuid().ToString("N")[..12]);
        await influx.CreateAsync(CancellationToken.None);
        return (influx, new Storage.Influx.InfluxTelemetryHistory(influx));
    }
}

/// <summary>The same contract against the embedded SQLite store.</summary>
public sealed class SqliteTelemetryStoreTests : TelemetryHistoryContract, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<Storage.Sqlite.SqliteTelemetryStore> _stores = [];

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    protected override async Task<(Storage.ITelemetryStore Store, ITelemetryHistory History)> CreateAsync()
    {
        var store = new Storage.Sqlite.SqliteTelemetryStore(Path.Combine(_folder.Path, Guid.NewGuid().ToString("N") + ".db"));
        _stores.Add(store);
        await store.CreateAsync(CancellationToken.None);
        return (store, store);
    }
}

/// <summary>The PCA models trained from what a real InfluxDB holds, as the live service trains them.</summary>
public sealed class PcaTrainingFromInfluxTests(ServicesFixture services) : IClassFixture<ServicesFixture>, IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task TwoStoredDaysOfTraffic_TrainAVersionedModel_ThatScoresANightJamHigh()
    {
        var influx = services.InfluxClient("pca_" + Guid.NewGuid().ToString("N")[..12]);
        await influx.CreateDatabaseAsync(CancellationToken.None);
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero).AddDays(-2);
        var roads = Enumerable.Range(0, 20).Select(i => new Simulators.Models.TrafficModel(900 + i)).ToArray();
        var points = new List<(TelemetryDomain, string, long, MetricValue[])>();
        var metrics = new List<MetricValue>();
        for (var t = start; t < start.AddDays(2); t = t.AddMinutes(5))
        {
            for (var d = 0; d < roads.Length; d++)
            {
                metrics.Clear();
                roads[d].Sample(t.ToUnixTimeMilliseconds(), metrics);
                points.Add((TelemetryDomain.Traffic, "trf-" + d, t.ToUnixTimeMilliseconds(), [.. metrics]));
            }
        }

        var written = await influx.WriteAsync(TelemetryHistoryContract.LineProtocolOf(points), CancellationToken.None);
        Assert.True(written.Outcome == Storage.TelemetryWriteOutcome.Written, written.Message);
        var pca = new Analytics.Ml.PcaSupervisor(_folder.Path);

        var trained = await pca.TrainAsync(new Storage.Influx.InfluxTelemetryHistory(influx), start.AddDays(2), CancellationToken.None);

        Assert.Equal(["traffic-v1"], trained);
        Assert.Equal(11_520, pca.ModelOf(TelemetryDomain.Traffic)!.Info.TrainedOn);
        Assert.True(File.Exists(Path.Combine(_folder.Path, "traffic-v1.zip")));

        // Three jammed readings at 03:00 local on a road that is free-flowing then.
        var local = start.AddDays(2).ToOffset(TimeSpan.FromHours(7));
        var jamAt = new DateTimeOffset(local.Date.AddDays(1).AddHours(3), TimeSpan.FromHours(7));
        MetricValue[] jam = [new("vehicle_count", 2, true), new("avg_speed_kmh", 6, false), new("occupancy_pct", 92, false)];
        Analytics.Detectors.SeriesScore score = default;
        for (var i = 0; i < 3; i++)
        {
            var t = jamAt.AddMinutes(5 * i).ToUnixTimeMilliseconds();
            score = pca.Observe(new Analytics.Detectors.DeviceSample("trf-4", TelemetryDomain.Traffic, "29905", t, jam));
        }

        Assert.True(score.Score >= 0.8, $"jam scored {score.Score:0.00}");
    }
}
