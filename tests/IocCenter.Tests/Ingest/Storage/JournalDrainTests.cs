using System.IO.Compression;
using System.Net;
using System.Text;
using IocCenter.Ingest;
using IocCenter.Ingest.Storage;
using IocCenter.Storage.Influx;
using IocCenter.Tests.Ingest.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IocCenter.Tests.Ingest.Storage;

/// <summary>The drain's own logic (batching, retry, splitting refused batches) against a scripted HTTP endpoint.</summary>
public class JournalDrainTests
{
    [Fact]
    public async Task Drain_RefusedLine_IsIsolatedAndDeadLetteredWhileTheRestIsWritten()
    {
        using var harness = new PipelineHarness();
        var influx = new ScriptedInflux(lines => lines.Any(l => l.Contains("vehicle_count=13i", StringComparison.Ordinal))
            ? (HttpStatusCode.BadRequest, """{"error":"partial write: field type conflict"}""")
            : (HttpStatusCode.NoContent, string.Empty));
        for (var i = 10; i < 20; i++)
        {
            await harness.AcceptAsync("ioc/v1/traffic/d1/telemetry", $$"""{"ts":"2026-11-22T09:59:{{i}}Z","metrics":{"vehicle_count":{{i}} } }""");
        }

        await harness.Pipeline.FlushAsync(CancellationToken.None);
        using var drain = CreateDrain(harness, influx, batchSize: 100);
        await drain.StartAsync(CancellationToken.None);
        await Eventually(() => harness.Journal.PendingLines == 0);
        await drain.StopAsync(CancellationToken.None);

        Assert.Equal(9, influx.Stored.Count);
        Assert.DoesNotContain(influx.Stored, l => l.Contains("vehicle_count=13i", StringComparison.Ordinal));
        var deadLetter = Assert.Single(harness.DeadLetterLines());
        Assert.Contains("store_rejected", deadLetter, StringComparison.Ordinal);
        Assert.Contains("field type conflict", deadLetter, StringComparison.Ordinal);
        Assert.Contains("vehicle_count=13i", deadLetter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_ServerErrors_AreRetriedUntilWritten()
    {
        using var harness = new PipelineHarness();
        var failures = 3;
        var influx = new ScriptedInflux(_ => Interlocked.Decrement(ref failures) >= 0 ? (HttpStatusCode.ServiceUnavailable, "down") : (HttpStatusCode.NoContent, string.Empty));
        await harness.AcceptAsync("ioc/v1/traffic/d1/telemetry", """{"ts":"2026-11-22T09:59:00Z","metrics":{"vehicle_count":1}}""");
        await harness.Pipeline.FlushAsync(CancellationToken.None);

        using var drain = CreateDrain(harness, influx, batchSize: 100);
        await drain.StartAsync(CancellationToken.None);
        await Eventually(() => harness.Journal.PendingLines == 0);
        await drain.StopAsync(CancellationToken.None);

        Assert.Single(influx.Stored);
        Assert.Equal(4, influx.Requests);
        Assert.True(drain.StoreReachable);
        Assert.Empty(harness.DeadLetterLines());
    }

    [Fact]
    public async Task Drain_SplitsIntoBatchesOfAtMostBatchSize()
    {
        using var harness = new PipelineHarness();
        var influx = new ScriptedInflux(_ => (HttpStatusCode.NoContent, string.Empty));
        for (var i = 0; i < 25; i++)
        {
            await harness.AcceptAsync("ioc/v1/traffic/d1/telemetry", $$"""{"ts":{{1795341000000 + i}},"metrics":{"vehicle_count":{{i}} } }""");
        }

        await harness.Pipeline.FlushAsync(CancellationToken.None);
        using var drain = CreateDrain(harness, influx, batchSize: 10);
        await drain.StartAsync(CancellationToken.None);
        await Eventually(() => harness.Journal.PendingLines == 0);
        await drain.StopAsync(CancellationToken.None);

        Assert.Equal(25, influx.Stored.Count);
        Assert.All(influx.BatchSizes, size => Assert.InRange(size, 1, 10));
        Assert.Equal(harness.Journal.End, harness.Journal.Checkpoint);
    }

    private static JournalDrain CreateDrain(PipelineHarness harness, ScriptedInflux influx, int batchSize)
    {
        var options = new InfluxOptions { Url = new Uri("http://influx.test/"), BatchSize = batchSize, FlushInterval = TimeSpan.FromMilliseconds(10), CreateDatabase = false };
        var client = new InfluxHttpClient(new HttpClient(influx), options);
        return new JournalDrain(harness.Journal, client, harness.DeadLetters, harness.Metrics, Options.Create(options), Options.Create(new IngestOptions()), TimeProvider.System, NullLogger<JournalDrain>.Instance);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await timer.WaitForNextTickAsync();
        }
    }

    /// <summary>Answers /ping, and /write from a rule over the request's lines; remembers what it stored.</summary>
    private sealed class ScriptedInflux(Func<string[], (HttpStatusCode Status, string Body)> rule) : HttpMessageHandler
    {
        private int _requests;

        public List<string> Stored { get; } = [];

        public List<int> BatchSizes { get; } = [];

        public int Requests => _requests;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath == "/ping")
            {
                return new HttpResponseMessage(HttpStatusCode.NoContent);
            }

            Interlocked.Increment(ref _requests);
            await using var body = await request.Content!.ReadAsStreamAsync(cancellationToken);
            await using var gzip = new GZipStream(body, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            var lines = (await reader.ReadToEndAsync(cancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var (status, text) = rule(lines);
            if (status == HttpStatusCode.NoContent)
            {
                lock (Stored)
                {
                    Stored.AddRange(lines);
                    BatchSizes.Add(lines.Length);
                }
            }

            return new HttpResponseMessage(status) { Content = new StringContent(text) };
        }
    }
}
