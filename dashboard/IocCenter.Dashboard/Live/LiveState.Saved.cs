using IocCenter.Analytics.AirQuality;

namespace IocCenter.Dashboard.Live;

/// <summary>The live state's side of <see cref="DeviceStateKeeper"/>: what changed since the last save, and putting saved states back.</summary>
public sealed partial class LiveState
{
    /// <summary>The devices changed since the last call, to be saved (see <see cref="DeviceStateKeeper"/>).</summary>
    public IReadOnlyList<SavedDeviceState> TakeUnsaved()
    {
        lock (_gate)
        {
            var saved = new List<SavedDeviceState>(_unsaved.Count);
            foreach (var id in _unsaved)
            {
                if (_devices.TryGetValue(id, out var d))
                {
                    saved.Add(new SavedDeviceState(d.Id, d.Domain, d.Area, d.Name, d.Latitude, d.Longitude, d.StatusOnline, d.LastMs, Values(d), d.LastAqi?.Value, d.LastAqi?.Dominant, d.HeardMs));
                }
            }

            _unsaved.Clear();
            return saved;
        }
    }

    /// <summary>Devices whose saving failed: saved with the next ones.</summary>
    public void MarkUnsaved(IEnumerable<string> ids)
    {
        lock (_gate)
        {
            _unsaved.UnionWith(ids);
        }
    }

    /// <summary>
    /// Puts back what was saved before a restart, so screens show every device as it was (online, offline, last values,
    /// AQI) instead of "offline, no data" until it next reports. What arrived since the start wins over what was saved.
    /// </summary>
    public void Restore(IEnumerable<SavedDeviceState> saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        lock (_gate)
        {
            foreach (var s in saved)
            {
                if (!_devices.TryGetValue(s.Id, out var device))
                {
                    var record = directory.Find(s.Id);
                    _devices[s.Id] = device = new Device(s.Id, s.Domain, record?.Area ?? s.Area, record?.Name ?? s.Name, record?.Latitude ?? s.Latitude, record?.Longitude ?? s.Longitude);
                }

                // Saved by a version that did not keep it: the last reading's time, or now (forgotten a full period later).
                device.HeardMs = Math.Max(device.HeardMs, s.HeardMs ?? s.LastMs ?? time.GetUtcNow().ToUnixTimeMilliseconds());

                if (device.LastMs is not null && device.LastMs >= s.LastMs)
                {
                    continue;
                }

                device.StatusOnline ??= s.StatusOnline;
                device.LastMs = s.LastMs;
                if (s.LastMs is { } last)
                {
                    device.Rhythm.Status(last);
                }
                foreach (var (name, value) in s.Values)
                {
                    device.Values.TryAdd(name, value);
                }

                if (device.LastAqi is null && s.Aqi is { } aqi && s.AqiDominant is { } dominant)
                {
                    device.LastAqi = new AqiResult(aqi, dominant, new Dictionary<AqiPollutant, int>());
                }

                _changed.Add(s.Id);
            }
        }
    }
}
