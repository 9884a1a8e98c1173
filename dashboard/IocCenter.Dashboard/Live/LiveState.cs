using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Live;
using IocCenter.Devices;
using IocCenter.Telemetry;

namespace IocCenter.Dashboard.Live;

/// <summary>
/// What every screen shows, kept in memory and fed from ingest (through its own <see cref="LiveReadings"/> queue)
/// and from the incident service. Only the <see cref="LiveBroadcaster"/> loop mutates it (<see cref="Apply"/>,
/// <see cref="ApplyIncident"/>); screens read copies taken under the lock. Bounded: one entry per device; a device
/// nobody registered is forgotten after <see cref="WallDevicesOptions.ForgetUnregisteredAfter"/> of silence, and an
/// admin can remove any device (<see cref="Remove"/>).
/// </summary>
/// <remarks>
/// A device is online when its last word says so: a status <c>offline</c> makes it offline, and a reading after
/// it brings it back (a device that reports is connected, whatever its retained status said); a device silent by its
/// <see cref="ReportingRhythm"/> (nothing for <c>max(MinSilence, SilenceIntervals × usual interval)</c>) is offline
/// too. Analytics' device_offline rule uses the same order and the same rhythm, so every offline device has an incident.
/// </remarks>
public sealed partial class LiveState(DeviceDirectory directory, IIncidents incidents, TimeProvider time, WallDevicesOptions? options = null, Geography.Province? province = null)
{
    private const int ChartPoints = 600;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Device> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Incident> _unresolved = [];
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unsaved = new(StringComparer.Ordinal);
    private readonly Queue<ChartPoint> _chart = new();
    private readonly Dictionary<ViewFilter, Kpis> _kpis = [];
    private readonly Dictionary<string, Severity> _worst = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _forgotten = new(StringComparer.Ordinal);
    private readonly bool _registeredOnly = options?.KpiDevices == KpiDevices.Registered;
    private readonly TimeSpan _minSilence = options?.MinSilence ?? ReportingRhythm.DefaultMinimum;
    private readonly double _silenceIntervals = options?.SilenceIntervals ?? ReportingRhythm.DefaultIntervals;
    private readonly long _forgetAfterMs = (long)(options?.ForgetUnregisteredAfter ?? TimeSpan.FromDays(7)).TotalMilliseconds;
    private bool _loaded;

    public LiveReadings Readings { get; } = new(50_000);

    /// <summary>Applies a reading or status from ingest.</summary>
    public void Apply(LiveReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        lock (_gate)
        {
            var device = DeviceOf(reading.DeviceId, reading.Domain, reading.Area);
            device.HeardMs = time.GetUtcNow().ToUnixTimeMilliseconds();
            _removed.Remove(reading.DeviceId); // removed by an admin and publishing again: it is back
            _forgotten.Remove(reading.DeviceId);
            if (reading.Online is { } online)
            {
                device.StatusOnline = online;
                if (online)
                {
                    device.Rhythm.Status(reading.TimestampMs);
                }
            }
            else
            {
                if (device.StatusOnline == false)
                {
                    device.StatusOnline = true; // a reading after "offline": the device is back (its last will was old news)
                }

                device.LastMs = Math.Max(device.LastMs ?? 0, reading.TimestampMs);
                device.Rhythm.Reading(reading.TimestampMs);
                foreach (var m in reading.Metrics)
                {
                    device.Values[m.Name] = m.Value;
                }

                if (device.Aqi is { } aqi && aqi.Observe(new DeviceSample(reading.DeviceId, reading.Domain, reading.Area, reading.TimestampMs, reading.Metrics)))
                {
                    device.LastAqi = aqi.LastHour;
                }
            }

            _changed.Add(reading.DeviceId);
            _unsaved.Add(reading.DeviceId);
        }
    }

    /// <summary>Applies an incident change (opened, updated, acknowledged, cleared, resolved).</summary>
    public void ApplyIncident(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        lock (_gate)
        {
            if (incident.State == IncidentState.Resolved)
            {
                _unresolved.Remove(incident.Id);
            }
            else
            {
                _unresolved[incident.Id] = incident;
            }

            if (incident.DeviceId is { } device)
            {
                UpdateWorst(device);
            }

            if (incident.DeviceId is { } id && _devices.ContainsKey(id))
            {
                _changed.Add(id);
            }
        }
    }

    /// <summary>
    /// The broadcaster's tick (several a second). <c>Changed</c>, for screens that show values: the changed devices
    /// that may be shown now — each device at most once a second, a later reading waits for its second, a change of
    /// state never waits. <c>States</c>, for screens that show states only (the walls): the devices whose state
    /// (online, ok / incident / offline, severity) changed. Once a second (<paramref name="full"/>) it also looks for
    /// devices gone silent and takes a chart point. <c>Announced</c> are the devices screens have not been shown in
    /// full yet (new, or moved to another area): a delta carries those in full, the others as changes.
    /// </summary>
    public TickResult Tick(bool full)
    {
        lock (_gate)
        {
            LoadIncidents();
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var changed = new HashSet<string>(StringComparer.Ordinal);
            var states = new HashSet<string>(StringComparer.Ordinal);
            var announced = new HashSet<string>(StringComparer.Ordinal);
            _changed.RemoveWhere(id =>
            {
                if (!_devices.TryGetValue(id, out var device))
                {
                    // Removed or forgotten: every screen is told (a delta lists it in Removed).
                    changed.Add(id);
                    states.Add(id);
                    return true;
                }

                var restated = Restate(device, now, states, announced);
                if (!restated && now - device.ShownAtMs < 1000)
                {
                    return false; // values shown less than a second ago: next time
                }

                device.ShownAtMs = now;
                changed.Add(id);
                Announce(device, announced);
                return true;
            });

            if (!full)
            {
                return new TickResult(changed, states, announced, null);
            }

            // Devices going silent change without a reading: look for them too. Devices nobody registered that have
            // been silent for ForgetUnregisteredAfter are forgotten (made-up ids must not stay on the wall for good).
            List<string>? forgotten = null;
            foreach (var device in _devices.Values)
            {
                if (now - device.HeardMs > _forgetAfterMs && directory.Find(device.Id) is null)
                {
                    (forgotten ??= []).Add(device.Id);
                }
                else if (Restate(device, now, states, announced))
                {
                    changed.Add(device.Id);
                }
            }

            foreach (var id in forgotten ?? [])
            {
                RemoveLocked(id);
                _forgotten.Add(id);
                changed.Add(id);
                states.Add(id);
                _changed.Remove(id);
            }

            var point = new ChartPoint(now, Average(TelemetryDomain.Traffic, "avg_speed_kmh", now), Average(TelemetryDomain.Environment, "pm25_ugm3", now), Average(TelemetryDomain.Connectivity, "latency_ms", now));
            _chart.Enqueue(point);
            while (_chart.Count > ChartPoints)
            {
                _chart.Dequeue();
            }

            _kpis.Clear();
            return new TickResult(changed, states, announced, point);
        }
    }

    /// <summary>Whether the device's state differs from what screens were last shown; if so it is in <paramref name="states"/> now.</summary>
    private bool Restate(Device device, long now, HashSet<string> states, HashSet<string> announced)
    {
        var (online, state, severity) = StateOf(device, now);
        if (device.Shown is { } shown && shown == (online, state, severity))
        {
            return false;
        }

        device.Shown = (online, state, severity);
        states.Add(device.Id);
        Announce(device, announced);
        return true;
    }

    private static void Announce(Device device, HashSet<string> announced)
    {
        if (!device.Announced)
        {
            device.Announced = true;
            announced.Add(device.Id);
        }
    }

    public Snapshot Snapshot(ViewFilter filter, string province, IReadOnlyList<AreaView> areas)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_gate)
        {
            LoadIncidents();
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var devices = _devices.Values.Where(d => filter.Shows(d.Domain.Name(), d.Area)).Select(d => View(d, now)).ToList();
            var open = _unresolved.Values.Where(i => filter.Area is null || i.Area == filter.Area).OrderByDescending(i => i.Severity).ThenByDescending(i => i.LastSeenAt).ToList();
            return new Snapshot(province, areas, devices, KpisLocked(filter, now), open, [.. _chart]);
        }
    }

    /// <summary>One device as the screens show it, or null.</summary>
    public DeviceView? Find(string deviceId)
    {
        lock (_gate)
        {
            LoadIncidents();
            return _devices.TryGetValue(deviceId, out var device) ? View(device, time.GetUtcNow().ToUnixTimeMilliseconds()) : null;
        }
    }

    /// <summary>
    /// A screen's delta: its view's devices among <paramref name="deviceIds"/>; the tiles and chart point once a
    /// second. With <paramref name="announced"/> (a tick's delta for screens in step), only those devices go in full
    /// and the rest as changes; without it (a screen catching up), every device goes in full.
    /// </summary>
    public Delta Delta(IEnumerable<string> deviceIds, ViewFilter filter, ChartPoint? chart, IReadOnlySet<string>? announced = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_gate)
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var devices = new List<DeviceView>();
            var changes = new List<DeviceChange>();
            var removed = new List<string>();
            foreach (var id in deviceIds)
            {
                if (!_devices.TryGetValue(id, out var d))
                {
                    removed.Add(id); // removed or forgotten since: a screen that knows it drops it
                    continue;
                }

                if (!filter.Shows(d.Domain.Name(), d.Area))
                {
                    continue;
                }

                if (announced is null || announced.Contains(id))
                {
                    devices.Add(View(d, now));
                }
                else
                {
                    var (online, state, severity) = StateOf(d, now);
                    changes.Add(new DeviceChange(d.Id, online, state, severity, d.LastMs, filter.Values ? Values(d) : null));
                }
            }

            Kpis? kpis = null;
            if (chart is not null && !_kpis.TryGetValue(filter, out kpis))
            {
                _kpis[filter] = kpis = KpisLocked(filter, now); // once per view and second, whatever the number of screens
            }

            return new Delta(devices, changes, kpis, chart, removed.Count == 0 ? null : removed);
        }
    }

    public int DeviceCount
    {
        get
        {
            lock (_gate)
            {
                return _devices.Count;
            }
        }
    }

    private void LoadIncidents()
    {
        if (_loaded)
        {
            return;
        }

        // After a restart the open incidents are in the store; later changes arrive through ApplyIncident.
        foreach (var incident in incidents.Unresolved())
        {
            _unresolved[incident.Id] = incident;
            if (incident.DeviceId is { } device)
            {
                UpdateWorst(device);
            }
        }

        foreach (var record in directory.Devices)
        {
            DeviceOf(record.Id, record.Domain, record.Area);
        }

        _loaded = true;
    }

    private Device DeviceOf(string id, TelemetryDomain domain, string? area)
    {
        if (!_devices.TryGetValue(id, out var device))
        {
            var record = directory.Find(id);
            _devices[id] = device = new Device(id, domain, area ?? record?.Area, record?.Name, record?.Latitude, record?.Longitude)
            {
                HeardMs = time.GetUtcNow().ToUnixTimeMilliseconds(), // a registered device never heard of is kept anyway
            };
        }
        else if (area is not null && area != device.Area)
        {
            device.Area = area;
            device.Announced = false; // screens learn the new area in full
        }

        return device;
    }

    private bool IsOnline(Device device, long now) =>
        device.StatusOnline != false && device.Rhythm.Heard && !device.Rhythm.IsSilent(now, _minSilence, _silenceIntervals);

    /// <summary>The most severe unresolved incident of a device, kept up to date as incidents change (not searched per view).</summary>
    private void UpdateWorst(string device)
    {
        var worst = _unresolved.Values.Where(i => i.DeviceId == device).Select(i => (Severity?)i.Severity).Max();
        if (worst is { } severity)
        {
            _worst[device] = severity;
        }
        else
        {
            _worst.Remove(device);
        }
    }

    /// <summary>
    /// Offline, an unresolved incident (its worst severity), or ok; and over any of these "maintenance" while a
    /// maintenance window covers the device: planned work, not an alarm (its incidents notify nobody).
    /// </summary>
    private (bool Online, string State, string? Severity) StateOf(Device d, long now)
    {
        var online = IsOnline(d, now);
        var worst = _worst.TryGetValue(d.Id, out var severity) ? severity : (Severity?)null;
        var state = UnderMaintenance(d, now) ? "maintenance" : !online ? "offline" : worst is null ? "ok" : "incident";
        return (online, state, worst?.Code());
    }

    private DeviceView View(Device d, long now)
    {
        var (online, state, severity) = StateOf(d, now);
        return new DeviceView(d.Id, d.Domain.Name(), d.Area, province?.FindArea(d.Area)?.Name, d.Name, d.Latitude, d.Longitude, online, state, severity, d.LastMs, Values(d));
    }

    /// <summary>A copy of the device's last values (the device keeps changing under the lock).</summary>
    private static Dictionary<string, double> Values(Device d) => new(d.Values, StringComparer.Ordinal);
}
