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

    [Fact]
    public async Task Drain_StoreThrowsAnErrorItDoesNotClassify_BatchIsRetried_HealthSaysWhy_ThenAllIsStored()
    {
        // Before: an SQLite error other than the four the store handles left its batch never done; the checkpoint
        // stopped, ingest stopped acknowledging until a restart, and /health stayed green.
        using var harness = new PipelineHarness();
        using var folder = new TestDirectory();
        using var sqlite = new IocCenter.Storage.Sqlite.SqliteTelemetryStore(Path.Combine(folder.Path, "telemetry.db"));
        var failures = 3;
        JournalDrain? drain = null;
        var seenProblems = new List<string?>();
        var store = new ThrowingStore(sqlite, _ =>
        {
            lock (seenProblems)
            {
                seenProblems.Add(drain?.Problem);
            }

            return Interlocked.Decrement(ref failures) >= 0 ? new Microsoft.Data.Sqlite.SqliteException("SQL logic error", 1) : null;
        });
        await AcceptTenAsync(harness);
        drain = CreateDrain(harness, store, batchSize: 100);
        await drain.StartAsync(CancellationToken.None);
        await Eventually(() => harness.Journal.PendingLines == 0);
        await drain.StopAsync(CancellationToken.None);
        drain.Dispose();

        Assert.Equal(10, store.Stored.Count);
        Assert.Equal(harness.Journal.End, harness.Journal.Checkpoint);
        Assert.Contains(seenProblems, p => p is not null && p.Contains("SqliteException", StringComparison.Ordinal) && p.Contains("SQL logic error", StringComparison.Ordinal));
        Assert.True(drain.StoreReachable);
        Assert.Empty(harness.DeadLetterLines());
    }

    [Fact]
    public async Task Drain_StoreThrowsOnTheDataOfOneLine_ThatLineIsDeadLetteredWithTheError_TheRestStored()
    {
        using var harness = new PipelineHarness();
        using var folder = new TestDirectory();
        using var sqlite = new IocCenter.Storage.Sqlite.SqliteTelemetryStore(Path.Combine(folder.Path, "telemetry.db"));
        var store = new ThrowingStore(sqlite, lines => lines.Contains("vehicle_count=13i", StringComparison.Ordinal)
            ? new Microsoft.Data.Sqlite.SqliteException("CHECK constraint failed", 19)
            : null);
        await AcceptTenAsync(harness);
        using var drain = CreateDrain(harness, store, batchSize: 100);
        await drain.StartAsync(CancellationToken.None);
        await Eventually(() => harness.Journal.PendingLines == 0);
        await drain.StopAsync(CancellationToken.None);

        Assert.Equal(9, store.Stored.Count);
        var deadLetter = Assert.Single(harness.DeadLetterLines());
        Assert.Contains("store_rejected", deadLetter, StringComparison.Ordinal);
        Assert.Contains("CHECK constraint failed", deadLetter, StringComparison.Ordinal);
        Assert.Contains("vehicle_count=13i", deadLetter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_StoreIsCorrupt_NothingIsDropped_AndTheProblemSaysAnOperatorIsNeeded()
    {
        using var harness = new PipelineHarness();
        using var folder = new TestDirectory();
        using var sqlite = new IocCenter.Storage.Sqlite.SqliteTelemetryStore(Path.Combine(folder.Path, "telemetry.db"));
        var repaired = false;
        var store = new ThrowingStore(sqlite, _ => Volatile.Read(ref repaired) ? null : new Microsoft.Data.Sqlite.SqliteException("database disk image is malformed", 11));
        await harness.AcceptAsync("ioc/v1/traffic/d1/telemetry", """{"ts":"2026-11-22T09:59:00Z","metrics":{"vehicle_count":1}}""");
        await harness.Pipeline.FlushAsync(CancellationToken.None);
        using var drain = CreateDrain(harness, store, batchSize: 100);
        await drain.StartAsync(CancellationToken.None);

        await Eventually(() => drain.Problem?.Contains("needs an operator", StringComparison.Ordinal) == true);
        Assert.Contains("malformed", drain.Problem, StringComparison.Ordinal);
        Assert.Equal(1, harness.Journal.PendingLines);
        Volatile.Write(ref repaired, true);
        await Eventually(() => harness.Journal.PendingLines == 0);
        await drain.StopAsync(CancellationToken.None);
        Assert.Single(store.Stored);
        Assert.Empty(harness.DeadLetterLines());
    }

    private static async Task AcceptTenAsync(PipelineHarness harness)
    {
        for (var i = 10; i < 20; i++)
        {
            await harness.AcceptAsync("ioc/v1/traffic/d1/telemetry", $$"""{"ts":"2026-11-22T09:59:{{i}}Z","metrics":{"vehicle_count":{{i}} } }""");
        }

        await harness.Pipeline.FlushAsync(CancellationToken.None);
    }

    private static JournalDrain CreateDrain(PipelineHarness harness, IocCenter.Storage.ITelemetryStore store, int batchSize)
    {
        var options = new InfluxOptions { Url = new Uri("http://influx.test/"), BatchSize = batchSize, FlushInterval = TimeSpan.FromMilliseconds(10), CreateDatabase = false };
        return new JournalDrain(harness.Journal, store, harness.DeadLetters, harness.Metrics, Options.Create(options), Options.Create(new IngestOptions()), TimeProvider.System, NullLogger<JournalDrain>.Instance);
    }

    /// <summary>The real SQLite store, except that it throws what <c>fault</c> says for a request's lines.</summary>
    private sealed class ThrowingStore(IocCenter.Storage.Sqlite.SqliteTelemetryStore inner, Func<string, Exception?> fault) : IocCenter.Storage.ITelemetryStore
    {
        public List<string> Stored { get; } = [];

        public string Description => inner.Description;

        public Task<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

        public Task CreateAsync(CancellationToken cancellationToken) => inner.CreateAsync(cancellationToken);

        public async Task<IocCenter.Storage.TelemetryWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken)
        {
            var text = Encoding.UTF8.GetString(lines.Span);
            if (fault(text) is { } exception)
            {
                throw exception;
            }

            var result = await inner.WriteAsync(lines, cancellationToken);
            if (result.Outcome == IocCenter.Storage.TelemetryWriteOutcome.Written)
            {
                lock (Stored)
                {
                    Stored.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                }
            }

            return result;
        }
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
