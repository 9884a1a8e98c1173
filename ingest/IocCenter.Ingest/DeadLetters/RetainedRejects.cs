using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IocCenter.Ingest.DeadLetters;

/// <summary>
/// The retained messages that were dead-lettered, by topic (with a hash of the payload), so that a broker sending the
/// same retained message again — on every new subscription, after each reconnect without a session — is dead-lettered
/// once, not on every reconnect. Kept in <c>deadletters/retained-rejects.log</c> (appended and fsynced with the commit
/// that wrote the dead letter, compacted at start), so a restart of ingest does not dead-letter them again either. A
/// valid or empty message on the topic replaces the retained one: the topic is forgotten. At most
/// <see cref="Capacity"/> topics are remembered; beyond that each copy is dead-lettered, as before.
/// </summary>
internal sealed class RetainedRejects : IDisposable
{
    public const int Capacity = 100_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ulong> _known = new(StringComparer.Ordinal);
    private readonly string _path;
    private FileStream? _file;

    public RetainedRejects(string path)
    {
        _path = path;
        var lines = 0;
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                lines++;
                Replay(line);
            }
        }

        if (lines > 2 * _known.Count + 100)
        {
            Compact();
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _known.Count;
            }
        }
    }

    /// <summary>
    /// A retained message was rejected. True: this exact message was dead-lettered before (do not again). False: it is
    /// new, remembered from now on; <paramref name="pending"/> gets the line to make durable with its dead letter.
    /// </summary>
    public bool Repeated(string topic, in ReadOnlySequence<byte> payload, List<string> pending)
    {
        var hash = Hash(payload);
        lock (_gate)
        {
            if (_known.TryGetValue(topic, out var known) && known == hash)
            {
                return true;
            }

            if (_known.Count < Capacity || _known.ContainsKey(topic))
            {
                _known[topic] = hash;
                pending.Add(string.Create(CultureInfo.InvariantCulture, $"+ {hash:x16} {Convert.ToBase64String(Encoding.UTF8.GetBytes(topic))}"));
            }

            return false;
        }
    }

    /// <summary>A valid (or empty) message arrived on <paramref name="topic"/>: whatever was retained there is replaced.</summary>
    public void Replaced(string topic, List<string> pending)
    {
        lock (_gate)
        {
            if (_known.Count > 0 && _known.Remove(topic))
            {
                pending.Add("- " + Convert.ToBase64String(Encoding.UTF8.GetBytes(topic)));
            }
        }
    }

    /// <summary>Appends and fsyncs the changes of one commit (before its acknowledgements are sent).</summary>
    public void Append(List<string> pending)
    {
        if (pending.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            _file ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            var text = Encoding.UTF8.GetBytes(string.Join('\n', pending) + "\n");
            _file.Write(text);
            _file.Flush(flushToDisk: true);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private void Replay(string line)
    {
        var parts = line.Split(' ');
        try
        {
            if (parts is ["+", var hash, var topic] && ulong.TryParse(hash, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
            {
                _known[Encoding.UTF8.GetString(Convert.FromBase64String(topic))] = value;
            }
            else if (parts is ["-", var removed])
            {
                _known.Remove(Encoding.UTF8.GetString(Convert.FromBase64String(removed)));
            }
        }
        catch (FormatException)
        {
            // A line cut by a crash: the message it was for was not acknowledged and comes again.
        }
    }

    private void Compact()
    {
        var temp = _path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            foreach (var (topic, hash) in _known)
            {
                file.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"+ {hash:x16} {Convert.ToBase64String(Encoding.UTF8.GetBytes(topic))}\n")));
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
    }

    private static ulong Hash(in ReadOnlySequence<byte> payload)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var segment in payload)
        {
            sha.AppendData(segment.Span);
        }

        Span<byte> digest = stackalloc byte[32];
        sha.GetHashAndReset(digest);
        return BitConverter.ToUInt64(digest);
    }
}
