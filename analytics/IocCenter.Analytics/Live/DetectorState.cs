using System.Security.Cryptography;
using IocCenter.Analytics.Detectors;

namespace IocCenter.Analytics.Live;

/// <summary>
/// What the detectors learnt, kept in one file beside the incident database (<c>detectors.state</c>) so that a restart
/// (an update, a reboot) does not start every series afresh: without it, each start was a day in which an hourly series
/// was not judged for spikes, its seasonal shape (learnt over weeks) was gone, and heavy-tailed series raised
/// first-day false alarms again (README, Analytics).
/// <list type="bullet">
/// <item>Written whole to a temporary file, flushed to disk and renamed over the last one, so a crash mid-write leaves
/// the previous state.</item>
/// <item>Ends with the SHA-256 of everything before it and starts with the detectors' layout: a file that is cut short,
/// damaged or written by a build whose detectors hold other fields is not read, and the detectors learn afresh (as
/// before this file existed), with the reason in the log.</item>
/// </list>
/// </summary>
internal static class DetectorState
{
    private const int HashBytes = 32;

    private static ReadOnlySpan<byte> Magic => "IOCCDET1"u8;

    public const string FileName = "detectors.state";

    /// <summary>Writes the set's state to <paramref name="path"/>; returns the series written.</summary>
    public static int Save(DetectorSet detectors, string path, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        Directory.CreateDirectory(folder);
        var temporary = path + ".tmp";
        int count;

        // A fresh file: something left at the temporary name (a link to a file elsewhere) is removed, not written through.
        File.Delete(temporary);
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var hashed = new Hashed(file, long.MaxValue, hash);
            using (var buffered = new BufferedStream(hashed, 1 << 16))
            using (var writer = new BinaryWriter(buffered, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(DetectorSet.StateLayout);
                writer.Write(now.ToUnixTimeMilliseconds());
                count = detectors.Save(writer, now.ToUnixTimeMilliseconds());
            }

            file.Write(hash.GetHashAndReset());
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return count;
    }

    /// <summary>
    /// Reads the state at <paramref name="path"/> into the set: null when there is no file; throws
    /// <see cref="InvalidDataException"/> (or an I/O error) saying why one cannot be read, and the set is then unchanged.
    /// The checksum is checked before anything is parsed. <paramref name="now"/> is the start: the rules time a device's
    /// silence from it.
    /// </summary>
    public static (int Series, DateTimeOffset SavedAt)? Load(DetectorSet detectors, string path, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        if (Directory.Exists(path))
        {
            throw new InvalidDataException("a folder, not a file: it cannot be saved either until it is removed");
        }

        if (!File.Exists(path))
        {
            return null;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var content = file.Length - HashBytes;
        if (content < Magic.Length + sizeof(int) + sizeof(long) + sizeof(int))
        {
            throw new InvalidDataException($"{file.Length} bytes: too short to be a detector state");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        // The checksum first: nothing is parsed from a file that was not written whole by a save.
        new Hashed(file, content, hash).CopyTo(Stream.Null, 1 << 16);
        Span<byte> expected = stackalloc byte[HashBytes];
        file.ReadExactly(expected);
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(expected))
        {
            throw new InvalidDataException("checksum does not match: the file was damaged or cut short");
        }

        file.Position = 0;
        DetectorSet.SavedSeries saved;
        DateTimeOffset savedAt;
        using (var buffered = new BufferedStream(new Hashed(file, content, hash), 1 << 16))
        using (var reader = new BinaryReader(buffered, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            try
            {
                Span<byte> magic = stackalloc byte[Magic.Length];
                reader.BaseStream.ReadExactly(magic);
                if (!magic.SequenceEqual(Magic))
                {
                    throw new InvalidDataException("not a detector state file");
                }

                if (reader.ReadInt32() != DetectorSet.StateLayout)
                {
                    throw new InvalidDataException("written by a build whose detectors keep other fields");
                }

                savedAt = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(reader.ReadInt64(), 0, 253_402_300_799_999L));
                saved = DetectorSet.Read(reader, content);
                if (reader.BaseStream.ReadByte() != -1)
                {
                    throw new InvalidDataException("bytes after the last series");
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or IOException)
            {
                // The checksum held, so this is what a faulty save wrote, not the disk: a string length below 0 is an
                // IOException from BinaryReader (a property test found it in one run of five).
                throw new InvalidDataException(e.Message, e);
            }
        }

        return (detectors.Restore(saved, now.ToUnixTimeMilliseconds()), savedAt);
    }

    /// <summary>Passes bytes through (at most <c>limit</c> of them when reading) and hashes them; disposing it leaves both open.</summary>
    private sealed class Hashed(Stream inner, long limit, IncrementalHash hash) : Stream
    {
        private long _passed;

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _passed;
            set => throw new NotSupportedException();
        }

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, limit - _passed)]);
            hash.AppendData(buffer[..read]);
            _passed += read;
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            hash.AppendData(buffer);
            _passed += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
