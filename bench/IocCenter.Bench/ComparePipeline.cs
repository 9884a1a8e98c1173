using System.Diagnostics;
using System.Globalization;
using System.Text;
using IocCenter.Mqtt;
using IocCenter.Simulators.Fleet;
using IocCenter.Storage.Influx;
using MQTTnet;
using MQTTnet.Protocol;

namespace IocCenter.Bench;

/// <summary>What another pipeline did with the same load: its own database, counted the same way.</summary>
internal sealed record CompareResult(string Pipeline, long Sent, long Stored, double Seconds, double PublishSeconds);

/// <summary>
/// <c>--compare "command"</c>: any other MQTT → InfluxDB pipeline, started as a shell command after IocCenter's run
/// (ingest stopped, so the broker's messages go to it alone), told where everything is through
/// <c>IOCC_BENCH_BROKER</c> (<c>mqtt://host:port</c>), <c>IOCC_BENCH_BROKER_HOST</c>, <c>IOCC_BENCH_BROKER_PORT</c>,
/// <c>IOCC_BENCH_INFLUX</c> and <c>IOCC_BENCH_DATABASE</c> (its own, fresh). It is ready when a probe reading,
/// published every 250 ms, shows up in that database; then the same readings go out from the same publishers at
/// the same rate, and its database is counted until every reading is there or nothing more arrives for 10 s.
/// </summary>
internal static class ComparePipeline
{
    public static async Task<CompareResult> RunAsync(string command, Uri broker, Uri influxUrl, string database, IReadOnlyList<SimulatedDevice> plan, long readings, double rate, int connections, int window)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["IOCC_BENCH_BROKER"] = broker.ToString();
        start.Environment["IOCC_BENCH_BROKER_HOST"] = broker.Host;
        start.Environment["IOCC_BENCH_BROKER_PORT"] = broker.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["IOCC_BENCH_INFLUX"] = influxUrl.ToString();
        start.Environment["IOCC_BENCH_DATABASE"] = database;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start: " + command);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var influx = new InfluxHttpClient(new HttpClient(), new InfluxOptions { Url = influxUrl, Database = database, Gzip = false });
        try
        {
            await WaitUntilReadyAsync(process, broker, influx, output);

            var publishers = Enumerable.Range(0, connections)
                .Select(c => new PipelinedPublisher(plan.Where((_, i) => i % connections == c).ToList(), broker.Host, broker.Port, $"bench-compare-load-{c}", window))
                .ToList();
            foreach (var publisher in publishers)
            {
                await publisher.ConnectAsync();
            }

            var clock = Stopwatch.StartNew();
            await Task.WhenAll(publishers.Select((p, c) => p.PublishAsync((readings / connections) + (c < readings % connections ? 1 : 0), rate / connections, CancellationToken.None)));
            var publishSeconds = clock.Elapsed.TotalSeconds;
            var sent = publishers.Sum(p => p.Acknowledged);
            foreach (var publisher in publishers)
            {
                await publisher.DisposeAsync();
            }

            long stored = 0;
            var lastProgress = Stopwatch.StartNew();
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (stored < sent && DateTime.UtcNow < deadline && lastProgress.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
                var now = await CountAsync(influx);
                if (now > stored)
                {
                    stored = now;
                    lastProgress.Restart();
                }
            }

            var seconds = stored >= sent ? clock.Elapsed.TotalSeconds : clock.Elapsed.TotalSeconds - lastProgress.Elapsed.TotalSeconds;
            return new CompareResult(command, sent, stored, seconds, publishSeconds);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
    }

    private static async Task WaitUntilReadyAsync(Process process, Uri broker, InfluxHttpClient influx, StringBuilder output)
    {
        using var probe = new MqttClientFactory().CreateMqttClient();
        await probe.ConnectAsync(MqttConnection.Options(broker, "bench-compare-probe", null, null).Build());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                lock (output)
                {
                    throw new InvalidOperationException($"the pipeline exited with {process.ExitCode}:\n{output}");
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the pipeline stored no probe reading within 60 s");
            }

            var ts = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            await probe.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("ioc/v1/traffic/probe-0/telemetry")
                .WithPayload("{\"ts\":\"" + ts + "\",\"metrics\":{\"vehicle_count\":1,\"avg_speed_kmh\":40.0,\"occupancy_pct\":10.0}}")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
            await Task.Delay(250);
            try
            {
                var series = await influx.QueryAsync("SELECT COUNT(\"avg_speed_kmh\") FROM \"traffic\" WHERE \"device\" = 'probe-0'", CancellationToken.None);
                if (series.Count > 0)
                {
                    await probe.DisconnectAsync();
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
            {
                // No database yet.
            }
        }
    }

    private static async Task<long> CountAsync(InfluxHttpClient influx)
    {
        long total = 0;
        foreach (var (measurement, field) in new[] { ("traffic", "avg_speed_kmh"), ("environment", "pm25_ugm3"), ("connectivity", "latency_ms") })
        {
            var series = await influx.QueryAsync($"SELECT COUNT(\"{field}\") FROM \"{measurement}\" WHERE \"device\" =~ /^bench-/", CancellationToken.None);
            total += series.Count == 0 ? 0 : Convert.ToInt64(series[0].Values[0][1], CultureInfo.InvariantCulture);
        }

        return total;
    }
}
