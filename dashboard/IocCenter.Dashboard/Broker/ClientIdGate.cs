namespace IocCenter.Dashboard.Broker;

/// <summary>
/// One connection at a time per client id through the two moments where MQTTnet 5.2 races with itself: a new
/// connection being registered (credentials accepted → CONNACK), and an old one being cleaned up (its client gone → MQTTnet done
/// with it). MQTTnet's clean-up removes the id from its client list and deletes "the" session by id, not by
/// connection, so when a device reconnects with the same id while its previous connection is being cleaned up, the
/// clean-up can stop the new connection right after its CONNACK ("connection lost" in <c>mosquitto_pub</c>; about 1
/// in 400 back-to-back reconnects here). Held only for those moments; waiting is bounded by <c>timeout</c>, after
/// which the connection goes ahead as it would have without the gate (<paramref name="timedOut"/> counts it).
/// </summary>
internal sealed class ClientIdGate(TimeSpan timeout, TimeProvider time, Action<string>? timedOut = null)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Ids with a holder or a waiter (for tests and diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Waits (at most the timeout) until no other connection holds <paramref name="clientId"/>, then holds it until the lease is disposed.</summary>
    public async Task<IDisposable> EnterAsync(string clientId)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(clientId, out entry!))
            {
                entry = new Entry();
                _entries[clientId] = entry;
            }

            entry.Users++;
        }

        using var deadline = new CancellationTokenSource(timeout, time);
        var held = false;
        try
        {
            await entry.Lock.WaitAsync(deadline.Token);
            held = true;
        }
        catch (OperationCanceledException)
        {
            // Timed out: go ahead unguarded rather than keep a device waiting on a stuck connection.
            timedOut?.Invoke(clientId);
        }

        return new Lease(this, clientId, entry, held);
    }

    private void Leave(string clientId, Entry entry, bool held)
    {
        if (held)
        {
            entry.Lock.Release();
        }

        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(clientId);
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Lease(ClientIdGate gate, string clientId, Entry entry, bool held) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Leave(clientId, entry, held);
            }
        }
    }
}
