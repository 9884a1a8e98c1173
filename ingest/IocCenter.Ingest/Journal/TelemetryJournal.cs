using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace IocCenter.Ingest.Journal;

/// <summary>
/// The write-ahead file of accepted readings, as line protocol. A message is acknowledged to the broker only
/// after its lines are here and fsynced; the store writer drains it to InfluxDB and advances the checkpoint.
/// Positions are global byte offsets; each segment file is named after the offset of its first byte.
/// Single appender (the commit loop), single reader (the store writer); checkpoints may come from any thread.
/// </summary>
internal sealed class TelemetryJournal : IDisposable
{
    private const string SegmentExtension = ".wal";
    private const string CheckpointFile = "checkpoint";

    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Lock _writeGate = new();
    private readonly List<long> _segmentStarts = [];
    private readonly Dictionary<long, SafeFileHandle> _readHandles = [];
    private FileStream? _writer;
    private long _written;
    private long _end;
    private long _checkpoint;
    private long _pendingLines;
    private long _appendedLines;
    private long _committedLines;
    private long _checkpointPersisted = -1;
    private long _checkpointPersistedAt;
    private bool _disposed;

    public TelemetryJournal(string directory, long segmentBytes, TimeProvider time)
    {
        _directory = Path.GetFullPath(directory);
        _segmentBytes = segmentBytes;
        _time = time;
        Directory.CreateDirectory(_directory);
        DirectorySync.Flush(Path.GetDirectoryName(_directory) is { Length: > 0 } parent ? parent : _directory); // the journal folder itself, if just made
        Recover();
    }

    public string DirectoryPath => _directory;

    /// <summary>End of what is fsynced: everything before it is durable.</summary>
    public long End => Volatile.Read(ref _end);

    /// <summary>Everything before it is in the store.</summary>
    public long Checkpoint => Volatile.Read(ref _checkpoint);

    public long PendingBytes => End - Checkpoint;

    public long PendingLines => Interlocked.Read(ref _pendingLines);

    /// <summary>Lines made durable since this journal was opened, counting those recovered as pending at open.</summary>
    public long CommittedLines => Interlocked.Read(ref _committedLines);

    /// <summary>Set after each <see cref="Sync"/> that made new lines durable.</summary>
    public AsyncSignal DataAvailable { get; } = new();

    /// <summary>Set after each checkpoint advance.</summary>
    public AsyncSignal SpaceAvailable { get; } = new();

    /// <summary>Appends whole lines; not durable until <see cref="Sync"/>. Commit loop only.</summary>
    public void Append(ReadOnlySpan<byte> lines, int lineCount)
    {
        if (lines.IsEmpty)
        {
            return;
        }

        lock (_writeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is null || _writer.Length >= _segmentBytes)
            {
                StartSegment(_written);
            }

            _writer!.Write(lines);
            _written += lines.Length;
            _appendedLines += lineCount;
        }
    }

    /// <summary>fsyncs what was appended and publishes the new <see cref="End"/>.</summary>
    public void Sync()
    {
        lock (_writeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is null || _written == End)
            {
                return;
            }

            _writer.Flush(flushToDisk: true);
            Interlocked.Add(ref _pendingLines, _appendedLines);
            Interlocked.Add(ref _committedLines, _appendedLines);
            _appendedLines = 0;
            Volatile.Write(ref _end, _written);
        }

        DataAvailable.Set();
    }

    /// <summary>Reads durable bytes from <paramref name="position"/>, never across a segment end. Returns 0 at <see cref="End"/>.</summary>
    public int Read(long position, Span<byte> destination)
    {
        var end = End;
        if (position >= end)
        {
            return 0;
        }

        SafeFileHandle handle;
        long segmentStart, segmentEnd;
        lock (_gate)
        {
            var index = SegmentIndex(position);
            segmentStart = _segmentStarts[index];
            segmentEnd = index + 1 < _segmentStarts.Count ? _segmentStarts[index + 1] : end;
            if (!_readHandles.TryGetValue(segmentStart, out handle!))
            {
                handle = File.OpenHandle(SegmentPath(segmentStart), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                _readHandles[segmentStart] = handle;
            }
        }

        var length = (int)Math.Min(destination.Length, Math.Min(end, segmentEnd) - position);
        return RandomAccess.Read(handle, destination[..length], position - segmentStart);
    }

    /// <summary>Everything before <paramref name="position"/> is stored: drop whole segments behind it.</summary>
    public void Advance(long position, long lines)
    {
        lock (_gate)
        {
            if (position <= _checkpoint)
            {
                return;
            }

            Volatile.Write(ref _checkpoint, position);
            Interlocked.Add(ref _pendingLines, -lines);
            while (_segmentStarts.Count > 1 && _segmentStarts[1] <= position)
            {
                DeleteSegment(_segmentStarts[0]);
                _segmentStarts.RemoveAt(0);
            }

            SpaceAvailable.Set();
            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_checkpointPersistedAt, now) >= TimeSpan.FromMilliseconds(250))
            {
                PersistCheckpoint();
                _checkpointPersistedAt = now;
            }
        }
    }

    public void Dispose()
    {
        lock (_writeGate)
        lock (_gate)
        {
            _disposed = true;
            if (_writer is not null)
            {
                _writer.Flush(flushToDisk: true);
                _writer.Dispose();
                _writer = null;
            }

            PersistCheckpoint();
            foreach (var handle in _readHandles.Values)
            {
                handle.Dispose();
            }

            _readHandles.Clear();
        }
    }

    private void Recover()
    {
        foreach (var file in Directory.EnumerateFiles(_directory, "*" + SegmentExtension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var start))
            {
                _segmentStarts.Add(start);
            }
        }

        _segmentStarts.Sort();
        var checkpoint = ReadCheckpoint();
        long end = checkpoint;
        if (_segmentStarts.Count > 0)
        {
            var last = _segmentStarts[^1];
            end = last + TruncateTornTail(SegmentPath(last));
            checkpoint = Math.Clamp(checkpoint, _segmentStarts[0], end);
            while (_segmentStarts.Count > 1 && _segmentStarts[1] <= checkpoint)
            {
                DeleteSegment(_segmentStarts[0]);
                _segmentStarts.RemoveAt(0);
            }
        }

        _checkpoint = checkpoint;
        _checkpointPersisted = checkpoint;
        _end = end;
        _written = end;
        _pendingLines = CountLines(checkpoint, end);
        _committedLines = _pendingLines;
        if (_segmentStarts.Count > 0 && new FileInfo(SegmentPath(_segmentStarts[^1])).Length < _segmentBytes)
        {
            _writer = new FileStream(SegmentPath(_segmentStarts[^1]), FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, 1 << 16);
        }
    }

    /// <summary>A crash can leave half a line at the end of the last segment; it was never acknowledged, so it goes.</summary>
    private static long TruncateTornTail(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        var length = stream.Length;
        var keep = length;
        Span<byte> buffer = stackalloc byte[4096];
        while (keep > 0)
        {
            var chunk = (int)Math.Min(buffer.Length, keep);
            stream.Position = keep - chunk;
            stream.ReadExactly(buffer[..chunk]);
            var newline = buffer[..chunk].LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                keep = keep - chunk + newline + 1;
                break;
            }

            keep -= chunk;
        }

        if (keep != length)
        {
            stream.SetLength(keep);
            stream.Flush(flushToDisk: true);
        }

        return keep;
    }

    private long CountLines(long from, long to)
    {
        long lines = 0;
        var buffer = new byte[1 << 16];
        for (var position = from; position < to;)
        {
            var read = Read(position, buffer);
            if (read == 0)
            {
                break;
            }

            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            position += read;
        }

        return lines;
    }

    private void StartSegment(long start)
    {
        _writer?.Flush(flushToDisk: true);
        _writer?.Dispose();
        _writer = null;
        var path = SegmentPath(start);
        var segment = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 1 << 16);
        try
        {
            DirectorySync.Flush(_directory); // the new segment's name is durable before any line in it is acknowledged
        }
        catch
        {
            // Not a segment until its name is durable: the next append tries again with a new one.
            segment.Dispose();
            File.Delete(path);
            throw;
        }

        _writer = segment;
        lock (_gate)
        {
            _segmentStarts.Add(start);
        }
    }

    private int SegmentIndex(long position)
    {
        var index = _segmentStarts.BinarySearch(position);
        return index >= 0 ? index : ~index - 1;
    }

    private void DeleteSegment(long start)
    {
        if (_readHandles.Remove(start, out var handle))
        {
            handle.Dispose();
        }

        File.Delete(SegmentPath(start));
    }

    private long ReadCheckpoint()
    {
        var path = Path.Combine(_directory, CheckpointFile);
        return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    // Not fsynced on purpose: a checkpoint that is lost only makes readings be written again, which overwrites them with themselves.
    private void PersistCheckpoint()
    {
        if (_checkpoint == _checkpointPersisted)
        {
            return;
        }

        var path = Path.Combine(_directory, CheckpointFile);
        File.WriteAllText(path + ".tmp", _checkpoint.ToString(CultureInfo.InvariantCulture));
        File.Move(path + ".tmp", path, overwrite: true);
        _checkpointPersisted = _checkpoint;
    }

    private string SegmentPath(long start) => Path.Combine(_directory, start.ToString("D20", CultureInfo.InvariantCulture) + SegmentExtension);
}
