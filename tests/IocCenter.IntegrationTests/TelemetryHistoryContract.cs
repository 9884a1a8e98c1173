using IocCenter.LineProtocol;
using IocCenter.Telemetry;

namespace IocCenter.IntegrationTests;

/// <summary>
/// What every telemetry store's read-back must do (InfluxDB here; the embedded store runs the same tests):
/// readings come back per device, oldest first, limited per device to the latest ones and in devices, only
/// within the window and the domain, with every numeric metric.
/// </summary>
public abstract class TelemetryHistoryContract
{
    protected static readonly DateTimeOffset Base = DateTimeOffset.Parse("2026-11-20T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Stores points (domain, device, area, time, metrics) and returns the history to read them with.</summary>
    protected abstract Task<ITelemetryHistory> StoreAsync(IReadOnlyList<(TelemetryDomain Domain, string Device, long TimestampMs, MetricValue[] Metrics)> points);

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
    protected static byte[] LineProtocol(IReadOnlyList<(TelemetryDomain Domain, string Device, long TimestampMs, MetricValue[] Metrics)> points)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var p in points)
        {
            LineProtocolWriter.AppendPoint(buffer, p.Domain.Name(), [new("area", "sa-dec"), new("device", p.Device)], p.Metrics, p.TimestampMs);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>The contract against a real InfluxDB.</summary>
public sealed class InfluxTelemetryHistoryTests(ServicesFixture services) : TelemetryHistoryContract, IClassFixture<ServicesFixture>
{
    protected override async Task<ITelemetryHistory> StoreAsync(IReadOnlyList<(TelemetryDomain Domain, string Device, long TimestampMs, MetricValue[] Metrics)> points)
    {
        var influx = services.InfluxClient("hist_" + Guid.NewGuid().ToString("N")[..12]);
        await influx.CreateDatabaseAsync(CancellationToken.None);
        var result = await influx.WriteAsync(LineProtocol(points), CancellationToken.None);
        Assert.True(result.Outcome == Storage.Influx.InfluxWriteOutcome.Written, result.Message);
        return new Storage.Influx.InfluxTelemetryHistory(influx);
    }
}
