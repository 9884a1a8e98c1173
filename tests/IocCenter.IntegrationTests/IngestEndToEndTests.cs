using System.Globalization;
using System.Text.Json;
using IocCenter.LineProtocol;
using IocCenter.Simulators.Fleet;
using IocCenter.Telemetry;

namespace IocCenter.IntegrationTests;

/// <summary>Simulators → real mosquitto → ingest → real InfluxDB.</summary>
public sealed class IngestEndToEndTests(ServicesFixture services) : IClassFixture<ServicesFixture>, IDisposable
{
    private const int Readings = 20_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    private readonly TempFolder _folder = new();
    private readonly string _database = "it_" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose() => _folder.Dispose();

    /// <summary>The 500 malformed messages: ten kinds, fifty each, every one with a known reason.</summary>
    private static IEnumerable<(string Topic, string Payload, string Reason)> Malformed()
    {
        var now = DateTimeOffset.UtcNow;
        (string Topic, string Payload, string Reason)[] kinds =
        [
            ("ioc/v1/traffic/bad-1/telemetry", "{not json", "json_invalid"),
            ("ioc/v1/traffic/bad-2/telemetry", "[1,2,3]", "payload_not_object"),
            ("ioc/v1/traffic/bad-3/telemetry", """{"firmware":"1.4.2"}""", "metrics_missing"),
            ("ioc/v1/environment/bad-4/telemetry", """{"metrics":{"humidity_pct":140}}""", "metric_out_of_range"),
            ("ioc/v1/traffic/bad-5/telemetry", """{"metrics":{"vehicle_count":3.5}}""", "metric_not_integer"),
            ("ioc/v1/environment/bad-6/telemetry", """{"metrics":{"pm25_ugm3":"high"}}""", "metric_value_not_number"),
            ("ioc/v1/connectivity/bad-7/telemetry", "{\"ts\":\"" + now.AddHours(2).ToString("O", CultureInfo.InvariantCulture) + "\",\"metrics\":{\"latency_ms\":3}}", "timestamp_in_future"),
            ("ioc/v1/connectivity/bad-8/telemetry", """{"ts":"1970-01-02T00:00:00Z","metrics":{"latency_ms":3}}""", "timestamp_too_old"),
            ("ioc/v1/weather/bad-9/telemetry", """{"metrics":{"rain_mm":3}}""", "domain_unknown"),
            ("ioc/v1/traffic/bad,10/telemetry", """{"metrics":{"vehicle_count":3}}""", "device_id_invalid"),
        ];
        for (var i = 0; i < 50; i++)
        {
            foreach (var kind in kinds)
            {
                yield return kind;
            }
        }
    }

    private FleetOptions Fleet(string prefix) => TestFleet.Flood(services.MqttUrl, prefix, Readings);

    [Fact]
    public async Task Simulator20000ReadingsWith500Malformed_StoresExactly20000_AndDeadLettersThe500WithTheirReasons()
    {
        var influx = services.InfluxClient(_database);
        await using var deadLetters = await DeadLetterListener.StartAsync(services.MqttUrl);
        using var ingest = await IngestHost.StartAsync(services, _database, _folder.Path, "ingest-e2e");
        var options = Fleet("e2e");
        await using var fleet = new FleetRunner(options, TestFleet.Province);
        await using var publisher = await Publisher.ConnectAsync(services.MqttUrl);

        var run = fleet.RunAsync(CancellationToken.None);
        foreach (var (topic, payload, _) in Malformed())
        {
            await publisher.PublishAsync(topic, payload);
        }

        var sent = await run;
        Assert.Equal(Readings, sent.Sent);
        await Eventually.WaitAsync(influx.TelemetryCountAsync, n => n >= Readings, Deadline, "points stored");
        await Eventually.WaitAsync(() => Task.FromResult(deadLetters.Count), n => n >= 500, Deadline, "dead letters published");
        await Eventually.WaitAsync(() => Task.FromResult(ingest.PendingLines()), n => n == 0, Deadline, "journal drained");

        // Exactly: per measurement, what the fleet's devices of that domain had acknowledged.
        foreach (var (domain, field) in new[] { (TelemetryDomain.Traffic, "avg_speed_kmh"), (TelemetryDomain.Environment, "pm25_ugm3"), (TelemetryDomain.Connectivity, "latency_ms") })
        {
            var expected = fleet.Devices.Where(d => d.Record.Domain == domain).Sum(d => d.Sent);
            Assert.Equal(expected, await influx.CountAsync(domain.Name(), field));
        }

        Assert.Equal(Readings, await influx.TelemetryCountAsync());
        var expectedReasons = Malformed().GroupBy(m => m.Reason).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expectedReasons.OrderBy(kv => kv.Key), deadLetters.ByReason.OrderBy(kv => kv.Key));
        Assert.All(deadLetters.Records, r => Assert.StartsWith("ioc/v1/", r.GetProperty("topic").GetString(), StringComparison.Ordinal));

        // No malformed device made it in as a series.
        var devices = await influx.ColumnValuesAsync("SHOW TAG VALUES FROM traffic, environment, connectivity WITH KEY = \"device\"", "value");
        Assert.DoesNotContain(devices, d => d.StartsWith("bad", StringComparison.Ordinal));
        Assert.Equal(250, devices.Length);

        await SpotCheckAsync(influx, options);
    }

    /// <summary>The first reading of a few devices, regenerated from the seed, is in InfluxDB with the same values and timestamp.</summary>
    private static async Task SpotCheckAsync(Storage.Influx.InfluxHttpClient influx, FleetOptions options)
    {
        var replay = FleetPlan.Create(options, TestFleet.Province);
        foreach (var device in new[] { replay[0], replay[150], replay[249] })
        {
            var start = options.Start!.Value.ToUnixTimeMilliseconds();
            using var expected = JsonDocument.Parse(device.NextPayload(start));
            var series = await influx.QueryAsync(
                $"SELECT * FROM \"{device.Record.Domain.Name()}\" WHERE \"device\" = '{device.Record.Id}' AND time = {start}ms",
                CancellationToken.None);
            var row = Assert.Single(Assert.Single(series).Values);
            Assert.Equal(start, Convert.ToInt64(row[series[0].Column("time")], CultureInfo.InvariantCulture));
            foreach (var metric in expected.RootElement.GetProperty("metrics").EnumerateObject())
            {
                Assert.Equal(metric.Value.GetDouble(), Convert.ToDouble(row[series[0].Column(metric.Name)], CultureInfo.InvariantCulture));
            }
        }
    }

    [Fact]
    public async Task DeviceIdsWithLineProtocolSpecials_NeverProduceAnExtraPointTagOrField()
    {
        var influx = services.InfluxClient(_database);
        await using var deadLetters = await DeadLetterListener.StartAsync(services.MqttUrl);
        using var ingest = await IngestHost.StartAsync(services, _database, _folder.Path, "ingest-inject");
        await using var publisher = await Publisher.ConnectAsync(services.MqttUrl);
        string[] hostile = ["a,b", "a b", "a=b", "a\"b", "a\\b", "x traffic,device=evil vehicle_count=1i", "x\\"];
        foreach (var id in hostile)
        {
            await publisher.PublishAsync($"ioc/v1/traffic/{id}/telemetry", """{"metrics":{"vehicle_count":7}}""");
        }

        await publisher.PublishAsync("ioc/v1/traffic/control-1/telemetry", """{"metrics":{"vehicle_count":7}}""");
        await Eventually.WaitAsync(() => influx.CountAsync("traffic", "vehicle_count"), n => n >= 1, Deadline, "control point stored");
        await Eventually.WaitAsync(() => Task.FromResult(deadLetters.Count), n => n >= hostile.Length, Deadline, "dead letters");

        Assert.Equal(1, await influx.CountAsync("traffic", "vehicle_count"));
        Assert.Equal(hostile.Length, deadLetters.ByReason["device_id_invalid"]);
        Assert.Equal(["control-1"], await influx.ColumnValuesAsync("SHOW TAG VALUES FROM traffic WITH KEY = \"device\"", "value"));
        Assert.Equal(["device"], await influx.ColumnValuesAsync("SHOW TAG KEYS FROM traffic", "tagKey"));
        Assert.Equal(["vehicle_count"], await influx.ColumnValuesAsync("SHOW FIELD KEYS FROM traffic", "fieldKey"));
    }

    [Fact]
    public async Task LineProtocolWriter_HostileNamesWrittenStraightToInfluxDb_OnePointEach()
    {
        // Beyond what validation lets through: the encoder alone must keep every name inside its own point.
        var influx = services.InfluxClient(_database);
        await influx.CreateDatabaseAsync(CancellationToken.None);
        string[] hostile = ["a,b", "a b", "a=b", "a\"b", "a\\b", "tail\\", "line\nbreak", "x probe,device=evil v=1 1", "cr\rlf"];
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var id in hostile)
        {
            LineProtocolWriter.AppendPoint(buffer, "probe", [new("device", id)], [new MetricValue(id + "=f,g h", 1, false), new MetricValue("v", 2, true)], timestamp);
        }

        var result = await influx.WriteAsync(buffer.WrittenMemory, CancellationToken.None);

        Assert.Equal(Storage.TelemetryWriteOutcome.Written, result.Outcome);
        Assert.Equal(hostile.Length, await influx.CountAsync("probe", "v"));
        Assert.Equal(["device"], await influx.ColumnValuesAsync("SHOW TAG KEYS FROM probe", "tagKey"));
        Assert.Equal(hostile.Length, (await influx.ColumnValuesAsync("SHOW TAG VALUES FROM probe WITH KEY = \"device\"", "value")).Length);
        Assert.Equal(hostile.Length + 1, (await influx.ColumnValuesAsync("SHOW FIELD KEYS FROM probe", "fieldKey")).Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IngestStoppedMidStream_AndStartedAgainWithTheSameClientId_StillStoresExactly20000(bool graceful)
    {
        var influx = services.InfluxClient(_database);
        var first = await IngestHost.StartAsync(services, _database, _folder.Path, "ingest-restart-" + graceful);
        await using var fleet = new FleetRunner(Fleet(graceful ? "rsg" : "rsd"), TestFleet.Province);
        var run = fleet.RunAsync(CancellationToken.None);

        await Eventually.WaitAsync(() => Task.FromResult(fleet.Progress.Sent), n => n >= Readings / 4, Deadline, "first quarter sent");
        if (graceful)
        {
            // What SIGTERM does: stop taking deliveries, commit and acknowledge, drain what it can.
            await first.StopAsync();
        }

        // Without StopAsync this is abrupt: the broker connection drops with deliveries unacknowledged.
        first.Dispose();

        await Eventually.WaitAsync(() => Task.FromResult(fleet.Progress.Sent), n => n >= Readings / 2, Deadline, "half sent while ingest is away");
        using var second = await IngestHost.StartAsync(services, _database, _folder.Path, "ingest-restart-" + graceful);
        Assert.Equal(Readings, (await run).Sent);

        await Eventually.WaitAsync(influx.TelemetryCountAsync, n => n >= Readings, Deadline, "points stored");
        await Eventually.WaitAsync(() => Task.FromResult(second.PendingLines()), n => n == 0, Deadline, "journal drained");
        Assert.Equal(Readings, await influx.TelemetryCountAsync());
    }

    [Fact]
    public async Task TwoInstancesInOneSharedGroup_SplitTheLoad_AndStoreExactly20000()
    {
        var influx = services.InfluxClient(_database);
        void Shared(IDictionary<string, string?> settings) => settings["Mqtt:SharedGroup"] = "ingest";
        using var first = await IngestHost.StartAsync(services, _database, Path.Combine(_folder.Path, "a"), "ingest-shared-a", Shared);
        using var second = await IngestHost.StartAsync(services, _database, Path.Combine(_folder.Path, "b"), "ingest-shared-b", Shared);
        await using var fleet = new FleetRunner(Fleet("shr"), TestFleet.Province);

        Assert.Equal(Readings, (await fleet.RunAsync(CancellationToken.None)).Sent);
        await Eventually.WaitAsync(influx.TelemetryCountAsync, n => n >= Readings, Deadline, "points stored");
        await Eventually.WaitAsync(() => Task.FromResult(first.PendingLines() + second.PendingLines()), n => n == 0, Deadline, "journals drained");

        Assert.Equal(Readings, await influx.TelemetryCountAsync());
        Assert.True(first.CommittedLines() > Readings / 10, $"first instance took {first.CommittedLines()}");
        Assert.True(second.CommittedLines() > Readings / 10, $"second instance took {second.CommittedLines()}");
    }
}
