using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using IocCenter.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IocCenter.Ingest.DeadLetters;

/// <summary>
/// Keeps every dead letter: appended (fsynced) to a daily JSON-lines file under the data path before the
/// message is acknowledged, then queued for publishing on <c>ioc/v1/deadletter/{reason}</c>.
/// </summary>
internal sealed partial class DeadLetterSink : IDisposable
{
    private const int OutboxCapacity = 10_000;

    private readonly string _directory;
    private readonly IngestMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<DeadLetterSink> _logger;
    private readonly int _retentionDays;
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Channel<DeadLetter> _outbox = Channel.CreateBounded<DeadLetter>(new BoundedChannelOptions(OutboxCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private FileStream? _file;
    private DateOnly _fileDay;

    public DeadLetterSink(IOptions<IngestOptions> options, IngestMetrics metrics, TimeProvider time, ILogger<DeadLetterSink> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _directory = Path.GetFullPath(Path.Combine(options.Value.DataPath, "deadletters"));
        _retentionDays = options.Value.DeadLetterRetentionDays;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        Directory.CreateDirectory(_directory);
        RetainedRejects = new RetainedRejects(Path.Combine(_directory, "retained-rejects.log"));
    }

    public string DirectoryPath => _directory;

    /// <summary>The retained messages already dead-lettered: not dead-lettered again when the broker sends them again.</summary>
    public RetainedRejects RetainedRejects { get; }

    /// <summary>Dead letters waiting to be published by whoever holds the broker connection.</summary>
    public ChannelReader<DeadLetter> Outbox => _outbox.Reader;

    /// <summary>Appends and fsyncs; counts each by reason; queues them for publishing.</summary>
    public void Write(IReadOnlyList<DeadLetter> deadLetters)
    {
        ArgumentNullException.ThrowIfNull(deadLetters);
        if (deadLetters.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            _buffer.ResetWrittenCount();
            foreach (var deadLetter in deadLetters)
            {
                using (var writer = new Utf8JsonWriter(_buffer, DeadLetter.WriterOptions))
                {
                    deadLetter.WriteJson(writer);
                }

                _buffer.GetSpan(1)[0] = (byte)'\n';
                _buffer.Advance(1);
            }

            var file = CurrentFile();
            file.Write(_buffer.WrittenSpan);
            file.Flush(flushToDisk: true);
        }

        foreach (var deadLetter in deadLetters)
        {
            if (!_outbox.Writer.TryWrite(deadLetter))
            {
                _metrics.DeadLettersUnpublished.Add(1);
            }
        }
    }

    /// <summary>A line InfluxDB refused even on its own.</summary>
    public void WriteStoreRejected(ReadOnlyMemory<byte> line, string? message)
    {
        _metrics.Rejected(RejectReason.StoreRejected);
        LogStoreRejected(_logger, message);
        Write([DeadLetter.Create(string.Empty, RejectReason.StoreRejected, message, _time.GetUtcNow(), new ReadOnlySequence<byte>(line))]);
    }

    public void Dispose()
    {
        RetainedRejects.Dispose();
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private FileStream CurrentFile()
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        if (_file is null || today != _fileDay)
        {
            _file?.Dispose();
            _fileDay = today;
            _file = new FileStream(Path.Combine(_directory, today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".jsonl"), FileMode.Append, FileAccess.Write, FileShare.Read);
            DeleteExpired(today);
        }

        return _file;
    }

    private void DeleteExpired(DateOnly today)
    {
        foreach (var path in Directory.EnumerateFiles(_directory, "*.jsonl"))
        {
            if (DateOnly.TryParseExact(Path.GetFileNameWithoutExtension(path), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) &&
                day.AddDays(_retentionDays) < today)
            {
                File.Delete(path);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "InfluxDB từ chối một điểm dữ liệu, đã chuyển vào dead-letter / InfluxDB refused a point, dead-lettered: {Message}")]
    private static partial void LogStoreRejected(ILogger logger, string? message);
}
