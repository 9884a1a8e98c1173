using System.Buffers;
using IocCenter.Ingest.DeadLetters;
using IocCenter.Ingest.Journal;
using IocCenter.Resilience;
using IocCenter.Storage;
using IocCenter.Storage.Influx;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IocCenter.Ingest.Storage;

/// <summary>
/// Drains the journal into the telemetry store (InfluxDB, or the embedded SQLite store): batches by size and age, several requests in flight, retries with backoff
/// and jitter for as long as it takes, and advances the journal checkpoint over every prefix that is stored.
/// A batch InfluxDB refuses is split in halves until the refused lines stand alone; those are dead-lettered
/// with InfluxDB's message (writing the accepted ones again is harmless: same series and time overwrite).
/// </summary>
internal sealed partial class JournalDrain(
    TelemetryJournal journal,
    ITelemetryStore store,
    DeadLetterSink deadLetters,
    IngestMetrics metrics,
    IOptions<InfluxOptions> influxOptions,
    IOptions<IngestOptions> ingestOptions,
    TimeProvider time,
    ILogger<JournalDrain> logger) : BackgroundService
{
    private const int MaxBatchBytes = 8 << 20;
    private static readonly TimeSpan RetryDelayMax = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan IdlePingInterval = TimeSpan.FromSeconds(10);

    private readonly InfluxOptions _options = influxOptions.Value;
    private readonly SemaphoreSlim _slots = new(influxOptions.Value.MaxConcurrentWrites, influxOptions.Value.MaxConcurrentWrites);
    private readonly LinkedList<Batch> _inFlight = new();
    private readonly Lock _inFlightGate = new();
    private readonly CancellationTokenSource _abandon = new();
    private TaskCompletionSource _reachableAgain = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _unreachable;
    private long _lastUnreachableLog;
    private string? _problem;

    /// <summary>False while InfluxDB cannot be reached or refuses the credentials.</summary>
    public bool StoreReachable => Volatile.Read(ref _unreachable) == 0;

    /// <summary>Why the store cannot be written, while it cannot (the store's answer or the error).</summary>
    public string? Problem => StoreReachable ? null : Volatile.Read(ref _problem);

    public string StoreDescription => store.Description;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Keep draining for a while; whatever is left is written at the next start. A host that disposed the service
        // before stopping it (seen once in a test's WebApplicationFactory teardown) has nothing left to drain.
        try
        {
            _abandon.CancelAfter(ingestOptions.Value.ShutdownDrainTimeout);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        _slots.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Created now if InfluxDB answers; otherwise when a write first says the database is missing.
        if (await PingAsync(_abandon.Token))
        {
            await CreateDatabaseAsync(_abandon.Token);
        }

        var position = journal.Checkpoint;
        long linesRead = 0;
        long waitingSince = 0;
        try
        {
            while (!_abandon.IsCancellationRequested)
            {
                var available = journal.CommittedLines - linesRead;
                if (available == 0)
                {
                    waitingSince = 0;
                    if (stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }

                    // Idle: ping now and then, so /health tells the truth about InfluxDB before data needs it.
                    if (!await WaitForDataAsync(IdlePingInterval, stoppingToken))
                    {
                        await PingAsync(stoppingToken);
                    }

                    continue;
                }

                if (waitingSince == 0)
                {
                    waitingSince = time.GetTimestamp();
                }

                var age = time.GetElapsedTime(waitingSince);
                if (available < _options.BatchSize && age < _options.FlushInterval && !stoppingToken.IsCancellationRequested)
                {
                    await journal.DataAvailable.WaitAsync(_options.FlushInterval - age, time, stoppingToken).IgnoreCancellationAsync();
                    continue;
                }

                await _slots.WaitAsync(_abandon.Token);
                var batch = ReadBatch(position);
                position = batch.End;
                linesRead += batch.Lines;
                waitingSince = journal.CommittedLines > linesRead ? time.GetTimestamp() : 0;
                lock (_inFlightGate)
                {
                    _inFlight.AddLast(batch);
                }

                _ = Task.Run(() => SendAsync(batch), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            // Shutdown drain time is up.
        }

        await WaitForInFlightAsync();
        LogStopped(logger, journal.PendingLines);
    }

    private Batch ReadBatch(long position)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(MaxBatchBytes, (int)Math.Max(64 * 1024, Math.Min(MaxBatchBytes, journal.End - position))));
        var read = journal.Read(position, buffer);

        // Cut after the BatchSize-th newline, or after the last whole line read.
        var span = buffer.AsSpan(0, read);
        int length = 0, lines = 0;
        while (lines < _options.BatchSize)
        {
            var newline = span[length..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            length += newline + 1;
            lines++;
        }

        return new Batch(position + length, lines, buffer, length);
    }

    private async Task SendAsync(Batch batch)
    {
        try
        {
            // A batch is done, or abandoned at shutdown (it stays in the journal and is written at the next start):
            // never left in between, which would stop the checkpoint for good.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await WriteAsync(batch.Buffer.AsMemory(0, batch.Length), batch.Lines, _abandon.Token);
                    batch.Done = true;
                    Complete();
                    return;
                }
                catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    LogUnexpected(logger, e);
                    MarkUnreachable(new TelemetryWriteResult(TelemetryWriteOutcome.Transient, null, $"lỗi không lường trước / unexpected {e.GetType().Name}: {e.Message}"));
                    try
                    {
                        await RetryDelayAsync(attempt, _abandon.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Advances the checkpoint over the stored prefix of batches; later batches may finish first.</summary>
    private void Complete()
    {
        lock (_inFlightGate)
        {
            long end = -1, lines = 0;
            while (_inFlight.First is { Value.Done: true } first)
            {
                end = first.Value.End;
                lines += first.Value.Lines;
                ArrayPool<byte>.Shared.Return(first.Value.Buffer);
                _inFlight.RemoveFirst();
            }

            if (end >= 0)
            {
                journal.Advance(end, lines);
            }
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0)
            {
                metrics.WriteRetries.Add(1);
            }

            TelemetryWriteResult result;
            try
            {
                result = await store.WriteAsync(lines, cancellationToken);
            }
            catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                // Whatever the store did not classify itself: see StoreFailures. Never leave the batch undone.
                metrics.WriteError("exception");
                result = StoreFailures.Classify(e);
                LogStoreException(logger, e, result.Outcome == TelemetryWriteOutcome.Rejected ? "rejected" : "retried");
            }

            switch (result.Outcome)
            {
                case TelemetryWriteOutcome.Written:
                    MarkReachable();
                    metrics.PointsWritten.Add(lineCount);
                    metrics.BatchesWritten.Add(1);
                    metrics.StoredAges(lines.Span, time.GetUtcNow().ToUnixTimeMilliseconds());
                    return;

                case TelemetryWriteOutcome.Transient or TelemetryWriteOutcome.Unauthorized:
                    metrics.WriteError(result.Outcome == TelemetryWriteOutcome.Transient ? "transient" : "unauthorized");
                    MarkUnreachable(result);
                    await RetryDelayAsync(attempt, cancellationToken);
                    break;

                case TelemetryWriteOutcome.DatabaseNotFound:
                    metrics.WriteError("database_not_found");
                    MarkUnreachable(result);
                    await CreateDatabaseAsync(cancellationToken);
                    await RetryDelayAsync(attempt, cancellationToken);
                    break;

                default:
                    metrics.WriteError("rejected");
                    MarkReachable();
                    await SplitAsync(lines, lineCount, result.Message, cancellationToken);
                    return;
            }
        }
    }

    /// <summary>
    /// Backoff with jitter, cut short as soon as any request gets through again: the batches waiting behind the
    /// checkpoint then all retry at once, instead of each sleeping out its own delay while the journal stays full.
    /// </summary>
    private async Task RetryDelayAsync(int attempt, CancellationToken cancellationToken)
    {
        var reachableAgain = Volatile.Read(ref _reachableAgain).Task;
        using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(Backoff.Delay(attempt, TimeSpan.FromMilliseconds(100), RetryDelayMax), time, delayCancel.Token);
        await Task.WhenAny(delay, reachableAgain);
        await delayCancel.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task SplitAsync(ReadOnlyMemory<byte> lines, int lineCount, string? message, CancellationToken cancellationToken)
    {
        if (lineCount <= 1)
        {
            deadLetters.WriteStoreRejected(lines, message);
            return;
        }

        // Split after the newline nearest the middle line.
        var half = lineCount / 2;
        var span = lines.Span;
        var cut = 0;
        for (var i = 0; i < half; i++)
        {
            cut += span[cut..].IndexOf((byte)'\n') + 1;
        }

        await WriteAsync(lines[..cut], half, cancellationToken);
        await WriteAsync(lines[cut..], lineCount - half, cancellationToken);
    }

    private async Task<bool> WaitForDataAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await journal.DataAvailable.WaitAsync(timeout, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        if (await store.PingAsync(cancellationToken))
        {
            MarkReachable();
            return true;
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            MarkUnreachable(new TelemetryWriteResult(TelemetryWriteOutcome.Transient, null, "no answer to /ping"));
        }

        return false;
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        if (!_options.CreateDatabase)
        {
            return;
        }

        try
        {
            await store.CreateAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or InfluxQueryException or TaskCanceledException or Microsoft.Data.Sqlite.SqliteException && !cancellationToken.IsCancellationRequested)
        {
            // 2.x/3.x map databases to buckets and may refuse CREATE DATABASE; writes tell whether it exists.
            LogCreateDatabaseFailed(logger, store.Description, e.Message);
        }
    }

    private void MarkReachable()
    {
        if (Interlocked.Exchange(ref _unreachable, 0) == 1)
        {
            Interlocked.Exchange(ref _reachableAgain, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            LogReachable(logger, store.Description, journal.PendingLines);
        }
    }

    private void MarkUnreachable(TelemetryWriteResult result)
    {
        var now = time.GetTimestamp();
        Volatile.Write(ref _problem, result.Message ?? (result.Status is { } code ? $"HTTP {(int)code}" : "no answer"));
        var first = Interlocked.Exchange(ref _unreachable, 1) == 0;
        if (first || time.GetElapsedTime(Interlocked.Read(ref _lastUnreachableLog), now) > TimeSpan.FromMinutes(1))
        {
            Interlocked.Exchange(ref _lastUnreachableLog, now);
            var status = result.Status is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "no answer";
            if (result.Outcome == TelemetryWriteOutcome.Unauthorized)
            {
                LogUnauthorized(logger, store.Description, status, result.Message, journal.PendingLines);
            }
            else
            {
                LogUnreachable(logger, store.Description, status, result.Message, journal.PendingLines);
            }
        }
    }

    private async Task WaitForInFlightAsync()
    {
        for (var i = 0; i < _options.MaxConcurrentWrites; i++)
        {
            await _slots.WaitAsync(CancellationToken.None);
        }

        _slots.Release(_options.MaxConcurrentWrites);
    }


    private sealed class Batch(long end, int lines, byte[] buffer, int length)
    {
        public long End { get; } = end;

        public int Lines { get; } = lines;

        public byte[] Buffer { get; } = buffer;

        public int Length { get; } = length;

        public bool Done { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Không ghi được vào kho dữ liệu đo / Cannot write to {Store} ({Status}): {Message} — {Pending} readings are safe in the journal and will be retried")]
    private static partial void LogUnreachable(ILogger logger, string store, string status, string? message, long pending);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kho dữ liệu từ chối thông tin đăng nhập / {Store} refused the credentials ({Status}): {Message} — check Influx:Username/Password or Influx:Token; {Pending} readings wait in the journal")]
    private static partial void LogUnauthorized(ILogger logger, string store, string status, string? message, long pending);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Store} đã hoạt động lại / is reachable again; catching up on {Pending} journaled readings")]
    private static partial void LogReachable(ILogger logger, string store, long pending);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Creating the database of {Store} failed (it may already exist or need an admin): {Message}")]
    private static partial void LogCreateDatabaseFailed(ILogger logger, string store, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kho dữ liệu đo báo lỗi khi ghi; lô số liệu được {Handling} / The telemetry store failed a write; the batch is {Handling}")]
    private static partial void LogStoreException(ILogger logger, Exception exception, string handling);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lỗi không lường trước khi ghi một lô; lô vẫn trong nhật ký và sẽ được ghi lại / Unexpected error while writing a batch; it stays in the journal and is retried")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Journal drain stopped; {Pending} readings wait in the journal for the next start")]
    private static partial void LogStopped(ILogger logger, long pending);
}
