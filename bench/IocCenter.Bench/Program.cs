using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using IocCenter.Analytics;
using IocCenter.Bench;
using IocCenter.Ingest;
using IocCenter.Ingest.Mqtt;
using IocCenter.Simulators.Fleet;
using IocCenter.Storage.Influx;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// iocc-bench: publish N readings at QoS1 as fast as the broker takes them, through the real ingest, into
// InfluxDB; print one JSON line: rates, publish → durable (p50_ms, p99_ms) and publish → stored (stored_p50_ms,
// stored_p99_ms); with --baseline true also the broker alone in the same run. Without --broker/--influx it starts
// Debian's mosquitto and influxd itself.
var settings = new ConfigurationBuilder().AddCommandLine(args).Build();
if (settings["screens"] is { } screens)
{
    // The screens benchmark: the all-in-one host, N SignalR screens, readings at --rate (see ScreensBenchmark).
    return await ScreensBenchmark.RunAsync(
        int.Parse(screens, CultureInfo.InvariantCulture),
        double.Parse(settings["rate"] ?? "10000", CultureInfo.InvariantCulture),
        int.Parse(settings["devices"] ?? "2000", CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(settings["seconds"] ?? "60", CultureInfo.InvariantCulture)),
        TimeSpan.FromSeconds(double.Parse(settings["warmup"] ?? "10", CultureInfo.InvariantCulture)),
        bool.Parse(settings["values"] ?? "false"),
        double.Parse(settings["flips"] ?? "20", CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(settings["sample-seconds"] ?? "0", CultureInfo.InvariantCulture)));
}

if (settings["host"] is { } part)
{
    // One part of the scaled-out stack as its own process, under a fleet's load (see HostBenchmark).
    return await HostBenchmark.RunAsync(
        part,
        double.Parse(settings["rate"] ?? "5000", CultureInfo.InvariantCulture),
        int.Parse(settings["devices"] ?? "50000", CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(settings["seconds"] ?? "120", CultureInfo.InvariantCulture)),
        TimeSpan.FromSeconds(double.Parse(settings["warmup"] ?? "60", CultureInfo.InvariantCulture)),
        settings["restart-after"] is { } restart ? TimeSpan.FromSeconds(double.Parse(restart, CultureInfo.InvariantCulture)) : null);
}

var readings = long.Parse(settings["readings"] ?? "200000", CultureInfo.InvariantCulture);
var devices = int.Parse(settings["devices"] ?? "300", CultureInfo.InvariantCulture);
var inFlight = int.Parse(settings["in-flight"] ?? "16", CultureInfo.InvariantCulture);

// No --rate: flood (as fast as the broker takes them). With --rate: a steady fleet-wide rate, to measure latency below saturation.
var rate = settings["rate"] is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : 0;

// "pipelined" (default): a few plain MQTT connections publishing for all devices, cheap enough not to be the bottleneck.
// "fleet": every device its own MQTTnet client, as the simulator runs (heavier: it measures the generator too).
var generator = settings["generator"] ?? "pipelined";
var connections = int.Parse(settings["connections"] ?? "4", CultureInfo.InvariantCulture);
var window = int.Parse(settings["window"] ?? "2000", CultureInfo.InvariantCulture);

await using var local = settings["broker"] is null || settings["influx"] is null ? await LocalServices.StartAsync() : null;
var broker = new Uri(settings["broker"] ?? local!.BrokerUrl.ToString());
var influxUrl = new Uri(settings["influx"] ?? local!.InfluxUrl.ToString());
var database = "bench_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
var dataPath = Path.Combine(Path.GetTempPath(), "iocc-bench-ingest-" + Guid.NewGuid().ToString("N")[..8]);

using var latency = new LatencyRecorder("ioc.ingest.reading.age");
using var storedLatency = new LatencyRecorder("ioc.ingest.stored.age");
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Mqtt:Url"] = broker.ToString(),
    ["Mqtt:ClientId"] = "iocc-bench-ingest",
    ["Mqtt:SessionExpiry"] = "00:05:00",
    ["Influx:Url"] = influxUrl.ToString(),
    ["Influx:Database"] = database,
    ["Ingest:DataPath"] = dataPath,
});
builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
builder.AddIngest();
var analytics = settings["analytics"] == "true";
if (analytics)
{
    builder.Configuration["Analytics:DatabasePath"] = Path.Combine(dataPath, "incidents.db");
    builder.AddAnalytics();
}

var fleetOptions = new FleetOptions
{
    BrokerUrl = broker,
    Traffic = devices * 2 / 5,
    Environment = devices / 5,
    Connectivity = devices - (devices * 2 / 5) - (devices / 5),
    Pacing = rate > 0 ? Pacing.Rate : Pacing.Flood,
    Rate = rate > 0 ? rate : 1000,
    Count = readings,
    MaxInFlightPerDevice = inFlight,
    Prefix = "bench",
};
var province = IocCenter.Geography.ProvincePack.Open(settings["province"]);

// --baseline true: the broker alone first (same publishers, one plain QoS1 subscriber), before ingest subscribes.
double? brokerAlone = settings["baseline"] == "true"
    ? await BrokerBaseline.RunAsync(broker, FleetPlan.Create(fleetOptions, province), readings, connections, window)
    : null;

// --compare "command": the same load through another pipeline, before ingest subscribes (no session of ingest's
// for the broker to queue into meanwhile); its line is printed after IocCenter's.
var other = settings["compare"] is { } command
    ? await ComparePipeline.RunAsync(command, broker, influxUrl, database + "_compare", FleetPlan.Create(fleetOptions, province), readings, rate, connections, window)
    : null;

var ingest = builder.Build();
await ingest.StartAsync();

var influx = new InfluxHttpClient(new HttpClient(), new InfluxOptions { Url = influxUrl, Database = database, Gzip = false });
var subscriber = ingest.Services.GetRequiredService<TelemetrySubscriber>();
while (!subscriber.IsConnected)
{
    await Task.Delay(50); // a new session receives only what is published after it subscribed
}

Stopwatch clock;
long sent;
if (generator == "fleet")
{
    await using var fleet = new FleetRunner(fleetOptions, province);
    await fleet.ConnectAsync(CancellationToken.None);
    clock = Stopwatch.StartNew();
    sent = (await fleet.RunAsync(CancellationToken.None)).Sent;
}
else
{
    generator = "pipelined";
    var plan = FleetPlan.Create(fleetOptions, province);
    var publishers = Enumerable.Range(0, connections)
        .Select(c => new PipelinedPublisher(plan.Where((_, i) => i % connections == c).ToList(), broker.Host, broker.Port, $"bench-load-{c}", window))
        .ToList();
    foreach (var publisher in publishers)
    {
        await publisher.ConnectAsync();
    }

    clock = Stopwatch.StartNew();
    await Task.WhenAll(publishers.Select((p, c) => p.PublishAsync((readings / connections) + (c < readings % connections ? 1 : 0), rate / connections, CancellationToken.None)));
    sent = publishers.Sum(p => p.Acknowledged);
    foreach (var publisher in publishers)
    {
        await publisher.DisposeAsync();
    }
}

var publishSeconds = clock.Elapsed.TotalSeconds;

// Stored = what InfluxDB answers to COUNT, once the journal is drained (or 120 s pass).
long stored = 0;
var deadline = DateTime.UtcNow.AddSeconds(120);
while (DateTime.UtcNow < deadline)
{
    stored = await CountAsync(influx, "traffic", "avg_speed_kmh") + await CountAsync(influx, "environment", "pm25_ugm3") + await CountAsync(influx, "connectivity", "latency_ms");
    if (stored >= sent)
    {
        break;
    }

    await Task.Delay(50);
}

var seconds = clock.Elapsed.TotalSeconds;
await ingest.StopAsync();

Console.WriteLine(JsonSerializer.Serialize(new
{
    sent,
    stored,
    lost = sent - stored,
    seconds = Math.Round(seconds, 2),
    stored_per_second = Math.Round(stored / seconds),
    publish_per_second = Math.Round(sent / publishSeconds),
    p50_ms = latency.Percentile(0.50),
    p99_ms = latency.Percentile(0.99),
    stored_p50_ms = storedLatency.Percentile(0.50),
    stored_p99_ms = storedLatency.Percentile(0.99),
    broker_alone_per_second = brokerAlone is { } alone ? Math.Round(alone) : (double?)null,
    of_broker_alone = brokerAlone is { } b ? Math.Round(stored / seconds / b, 3) : (double?)null,
    devices,
    generator,
    analytics,
    connections = generator == "pipelined" ? connections : devices,
    qos = 1,
    offered_rate = rate > 0 ? rate.ToString(CultureInfo.InvariantCulture) : "max",
}));
ingest.Dispose();
Directory.Delete(dataPath, recursive: true);

// --compare: its line after IocCenter's.
if (other is not null)
{
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        pipeline = other.Pipeline,
        sent = other.Sent,
        stored = other.Stored,
        lost = other.Sent - other.Stored,
        seconds = Math.Round(other.Seconds, 2),
        stored_per_second = Math.Round(other.Stored / other.Seconds),
        publish_per_second = Math.Round(other.Sent / other.PublishSeconds),
        qos = 1,
        offered_rate = rate > 0 ? rate.ToString(CultureInfo.InvariantCulture) : "max",
    }));
}

return stored == sent ? 0 : 1;

static async Task<long> CountAsync(InfluxHttpClient influx, string measurement, string field)
{
    var series = await influx.QueryAsync($"SELECT COUNT(\"{field}\") FROM \"{measurement}\"", CancellationToken.None);
    return series.Count == 0 ? 0 : Convert.ToInt64(series[0].Values[0][1], CultureInfo.InvariantCulture);
}
