using System.Collections.Concurrent;

namespace IocCenter.Telemetry;

/// <summary>
/// Interns names taken from messages (device ids, metric names) so that steady traffic allocates no strings for them.
/// Bounded: past <see cref="Capacity"/> ids it stops remembering new ones (they are still returned, just not pooled).
/// </summary>
public sealed class NamePool(int capacity = 200_000)
{
    private readonly ConcurrentDictionary<string, string> _ids = new(StringComparer.Ordinal);

    public int Capacity { get; } = capacity;

    public string Get(ReadOnlySpan<char> id)
    {
        var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(id, out var existing))
        {
            return existing;
        }

        var created = id.ToString();
        return _ids.Count < Capacity ? _ids.GetOrAdd(created, created) : created;
    }
}
