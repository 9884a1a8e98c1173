namespace IocCenter.Dashboard.Live;

/// <summary>The live state's side of removing devices: by an admin, or forgotten after a long silence.</summary>
public sealed partial class LiveState
{
    /// <summary>
    /// An admin removes a device: screens drop it at the next tick and its saved state is deleted. If it reports
    /// again it comes back (a registered one also at the next start, from the registry). False: no such device.
    /// </summary>
    public bool Remove(string deviceId)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        lock (_gate)
        {
            LoadIncidents();
            if (!_devices.ContainsKey(deviceId))
            {
                return false;
            }

            RemoveLocked(deviceId);
            _changed.Add(deviceId);
            return true;
        }
    }

    /// <summary>An admin removes every device the registry does not list (made-up ids): returns them. See <see cref="Remove"/>.</summary>
    public IReadOnlyList<string> RemoveUnregistered()
    {
        lock (_gate)
        {
            LoadIncidents();
            var removed = _devices.Keys.Where(id => directory.Find(id) is null).ToList();
            foreach (var id in removed)
            {
                RemoveLocked(id);
                _changed.Add(id);
            }

            return removed;
        }
    }

    /// <summary>The devices removed or forgotten since the last call, to be deleted from the saved states.</summary>
    public IReadOnlyList<string> TakeRemoved()
    {
        lock (_gate)
        {
            var removed = _removed.ToList();
            _removed.Clear();
            return removed;
        }
    }

    /// <summary>The devices forgotten (never registered, silent too long) since the last call: their incidents are closed.</summary>
    public IReadOnlyList<string> TakeForgotten()
    {
        lock (_gate)
        {
            var forgotten = _forgotten.ToList();
            _forgotten.Clear();
            return forgotten;
        }
    }

    private void RemoveLocked(string deviceId)
    {
        _devices.Remove(deviceId);
        _unsaved.Remove(deviceId);
        _removed.Add(deviceId);
        _kpis.Clear();
    }
}
