using System.Buffers;
using IocCenter.Devices;
using IocCenter.Ingest.DeadLetters;
using IocCenter.Ingest.Journal;
using IocCenter.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IocCenter.Ingest.Pipeline;

/// <summary>
/// Decodes each delivery into the current commit group, and commits groups in a loop: journal append,
/// dead letters, one fsync, then acknowledgements in arrival order. While one group is being fsynced the
/// next one fills, so the fsync cost is shared by everything that arrived meanwhile.
/// </summary>
internal sealed partial class IngestPipeline : BackgroundService
{
    private readonly TelemetryJournal _journal;
    private readonly DeadLetterSink _deadLetters;
    private readonly IngestMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestPipeline> _logger;
    private readonly long _maxJournalBytes;
    private readonly MessageDecoder _decoder;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _commitLock = new(1, 1);
    private readonly AsyncSignal _work = new();
    private CommitGroup _current = new();
    private CommitGroup _spare = new();

    public IngestPipeline(
        TelemetryJournal journal,
        DeadLetterSink deadLetters,
        DeviceDirectory devices,
        IngestMetrics metrics,
        IOptions<ContractLimits> limits,
        IOptions<IngestOptions> options,
        TimeProvider time,
        ILogger<IngestPipeline> logger,
        IEnumerable<IReadingSink>? sinks = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(options);
        _journal = journal;
        _deadLetters = deadLetters;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _maxJournalBytes = options.Value.JournalMaxBytes;
        _decoder = new MessageDecoder(limits.Value, devices, metrics, sinks?.ToArray() ?? [], deadLetters.RetainedRejects);
        metrics.ObserveJournal(() => journal.PendingLines, () => journal.PendingBytes);
    }

    /// <summary>True while the journal is full and deliveries wait for InfluxDB to catch up.</summary>
    public bool IsBackpressured => _journal.PendingBytes >= _maxJournalBytes;

    /// <summary>
    /// Takes one delivery. Returns once it is queued for the next commit; waits first while the journal is full,
    /// which stops the broker connection from taking more (the broker holds them). <paramref name="retained"/>: the
    /// broker sent it as a retained message (on subscribing); a rejected one is dead-lettered only the first time.
    /// </summary>
    public async ValueTask AcceptAsync(string topic, ReadOnlySequence<byte> payload, DeliveryAck ack, CancellationToken cancellationToken, bool retained = false)
    {
        while (IsBackpressured)
        {
            LogJournalFull(_logger, _journal.PendingBytes);
            await _journal.SpaceAvailable.WaitAsync(TimeSpan.FromSeconds(5), _time, cancellationToken);
        }

        var receivedMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            _decoder.Decode(topic, payload, receivedMs, _current, retained);
            _current.Acks.Add(ack);
        }

        _work.Set();
    }

    /// <summary>Commits whatever is queued now; used on shutdown after deliveries have stopped.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => CommitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _work.WaitAsync(stoppingToken);
                await CommitAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the final commit below still runs.
        }

        await CommitAsync(CancellationToken.None);
        LogStopped(_logger, _journal.PendingLines);
    }

    private async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _commitLock.WaitAsync(cancellationToken);
        try
        {
            CommitGroup group;
            lock (_gate)
            {
                group = _current;
                _current = _spare;
            }

            try
            {
                if (!group.IsEmpty)
                {
                    await CommitGroupAsync(group);
                }
            }
            finally
            {
                group.Clear();
                _spare = group;
            }
        }
        finally
        {
            _commitLock.Release();
        }
    }

    private async Task CommitGroupAsync(CommitGroup group)
    {
        _journal.Append(group.Lines.WrittenSpan, group.LineCount);
        _deadLetters.Write(group.DeadLetters);
        _deadLetters.RetainedRejects.Append(group.RetainedRejects);
        _journal.Sync();

        var durableMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (receivedMs, readingMs) in group.Accepted)
        {
            _metrics.Lag.Record(durableMs - receivedMs);
            _metrics.ReadingAge.Record(durableMs - readingMs);
        }

        foreach (var ack in group.Acks)
        {
            try
            {
                await ack.AcknowledgeAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The connection went away: the broker redelivers, and the point overwrites itself.
                LogAckFailed(_logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nhật ký ghi trước đã đầy ({PendingBytes} byte chờ InfluxDB), tạm ngừng nhận tin / Journal full ({PendingBytes} bytes waiting for InfluxDB): not acknowledging until it drains")]
    private static partial void LogJournalFull(ILogger logger, long pendingBytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Acknowledgement not sent (connection gone, the broker will redeliver): {Message}")]
    private static partial void LogAckFailed(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest pipeline stopped; {PendingLines} readings wait in the journal for InfluxDB")]
    private static partial void LogStopped(ILogger logger, long pendingLines);
}
