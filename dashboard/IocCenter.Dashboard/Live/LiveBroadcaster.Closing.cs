namespace IocCenter.Dashboard.Live;

/// <summary>The connections an instance closes itself: walls of a revoked kiosk link, people whose session ended.</summary>
public sealed partial class LiveBroadcaster
{
    /// <summary>The connections here of the walls signed in with a kiosk token.</summary>
    public IReadOnlyList<string> KioskConnectionIds(long tokenId) =>
        [.. _feeds.Where(f => f.Value.KioskTokenId == tokenId).Select(f => f.Key)];

    /// <summary>Disconnects every wall signed in with a kiosk token (it was revoked).</summary>
    public int DisconnectKiosk(long tokenId)
    {
        var walls = _feeds.Values.Where(f => f.KioskTokenId == tokenId).ToList();
        foreach (var wall in walls)
        {
            wall.Abort?.Invoke();
        }

        return walls.Count;
    }

    /// <summary>Whether a person (not a wall) is connected here.</summary>
    public bool HasPeople => _feeds.Values.Any(f => f.Person is not null);

    /// <summary>Disconnects every person's connection whose session <paramref name="ended"/> (given their id and the stamp they signed in with).</summary>
    public int DisconnectPeople(Func<long, string, bool> ended)
    {
        var closing = _feeds.Values.Where(f => f.Person is { } p && ended(p.Id, p.Stamp)).ToList();
        foreach (var feed in closing)
        {
            feed.Abort?.Invoke();
        }

        return closing.Count;
    }

    /// <summary>The kiosk links the walls connected here signed in with.</summary>
    public IReadOnlyCollection<long> KioskTokenIds() => _feeds.Values.Select(f => f.KioskTokenId).OfType<long>().ToHashSet();
}
