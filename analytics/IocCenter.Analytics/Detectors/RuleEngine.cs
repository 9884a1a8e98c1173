using System.Globalization;
using System.Runtime.InteropServices;
using IocCenter.Analytics.Incidents;
using IocCenter.Devices;
using IocCenter.Telemetry;

namespace IocCenter.Analytics.Detectors;

/// <summary>
/// The configured rules, per device and streaming: congestion, degraded connectivity, VN_AQI air quality per
/// station (hourly, with the provisional early warning: <see cref="AirQualityRule"/>), a silent device, a stuck
/// sensor. Each has hysteresis in value and in time (<see cref="Debouncer"/>).
/// Constant work and memory per sample and per device. Not thread-safe: one engine per consuming loop.
/// </summary>
public sealed partial class RuleEngine(RuleOptions options)
{
    private readonly Dictionary<string, DeviceRules> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Devices, int Offline)> _areas = new(StringComparer.Ordinal);
    private readonly HashSet<string> _areasOut = new(StringComparer.Ordinal);

    public int DeviceCount => _devices.Count;

    /// <summary>Feeds one reading; appends the raises and clears it causes to <paramref name="changes"/>.</summary>
    public void Observe(in DeviceSample sample, List<ConditionChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ref var rules = ref CollectionsMarshal.GetValueRefOrAddDefault(_devices, sample.DeviceId, out _);
        rules ??= new DeviceRules(options, sample.DeviceId, sample.Area);
        try
        {
            rules.Observe(sample, changes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Rules that throw once would throw on every reading of the device (a state no reading could make): they
            // start afresh at its next reading, and this one is skipped by the loop and counted. What they had raised
            // is not cleared by them (the offline state is read from the store again).
            _devices.Remove(sample.DeviceId);
            throw;
        }
    }

    /// <summary>
    /// A device's retained status: <c>offline</c> raises device_offline at once (again if repeated), <c>online</c> clears
    /// it, and so does a reading after it (<see cref="Observe"/>): the order the screens follow too.
    /// </summary>
    public void ObserveStatus(string deviceId, string? area, bool online, long atMs, List<ConditionChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ref var rules = ref CollectionsMarshal.GetValueRefOrAddDefault(_devices, deviceId, out _);
        rules ??= new DeviceRules(options, deviceId, area);
        rules.ObserveStatus(online, atMs, changes);
    }

    /// <summary>
    /// Raises device_offline for every device silent for longer than its usual interval × <see cref="RuleOptions.SilenceIntervals"/>,
    /// and area_outage for an area when enough of its devices are offline together (cleared when fewer than half of that share are).
    /// </summary>
    public void CheckSilence(long nowMs, List<ConditionChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        _areas.Clear();
        foreach (var rules in _devices.Values)
        {
            rules.CheckSilence(nowMs, changes);
            if (rules.Area is { } area)
            {
                var (devices, offline) = _areas.GetValueOrDefault(area);
                _areas[area] = (devices + 1, offline + (rules.Offline ? 1 : 0));
            }
        }

        foreach (var (area, (devices, offline)) in _areas)
        {
            var share = offline / (double)devices;
            if (!_areasOut.Contains(area) && offline >= options.AreaOutageMinDevices && share >= options.AreaOutageShare)
            {
                _areasOut.Add(area);
                var name = options.AreaName?.Invoke(area) ?? area;
                var detail = string.Create(CultureInfo.InvariantCulture, $"{offline}/{devices} thiết bị ở {name} mất tín hiệu / {offline} of {devices} devices in {name} are offline");
                changes.Add(new(IncidentKind.AreaOutage, null, area, true, Severity.Critical, new Evidence("rule.area_outage", share, Value: offline, Baseline: devices, Detail: detail), nowMs));
            }
            else if (_areasOut.Contains(area) && share < options.AreaOutageShare / 2)
            {
                _areasOut.Remove(area);
                changes.Add(new(IncidentKind.AreaOutage, null, area, false, Severity.Critical, new Evidence("rule.area_outage", share, Detail: "các thiết bị đã hoạt động lại / devices are back"), nowMs));
            }
        }
    }

    private sealed class DeviceRules(RuleOptions options, string deviceId, string? area)
    {
        public string? Area => area;

        public bool Offline => _offline;

        public ReportingRhythm Rhythm => _rhythm;


        // Made when first needed: a device has one domain, so it uses one of them.
        private Debouncer? _congestion;
        private Debouncer? _connectivity;
        private AirQualityRule? _airQuality;
        private ReportingRhythm _rhythm;
        private StuckState[]? _stuck; // one per float metric: a device has a handful, so a short array, searched in order
        private int _stuckCount;
        private int _stuckMetrics;
        private bool _offline = options.OfflineAtStart?.Invoke(deviceId) == true;
        private long _downSince = long.MaxValue; // the last reading before a restart; a silence since then leaves out...
        private long _downFor;                   // ...the time the host was down (see Restore)

        public void Observe(in DeviceSample sample, List<ConditionChange> changes)
        {
            _rhythm.Reading(sample.TimestampMs);
            if (_offline)
            {
                _offline = false;
                changes.Add(new(IncidentKind.DeviceOffline, deviceId, area, false, Severity.Major, new Evidence("rule.silence", 0, Detail: "thiết bị gửi số liệu trở lại / readings resumed"
), sample.TimestampMs));
            }

            switch (sample.Domain)
            {
                case TelemetryDomain.Traffic:
                    Congestion(sample, changes);
                    break;
                case TelemetryDomain.Connectivity:
                    Connectivity(sample, changes);
                    break;
                case TelemetryDomain.Environment:
                    AirQuality(sample, changes);
                    break;
            }

            Stuck(sample, changes);
        }

        public void Restore(ReportingRhythm rhythm, long startMs)
        {
            _rhythm = rhythm;
            _downSince = rhythm.LastMs;
            _downFor = Math.Max(0, startMs - rhythm.LastMs);
        }

        public void ObserveStatus(bool online, long atMs, List<ConditionChange> changes)
        {
            if (online)
            {
                _rhythm.Status(atMs); // heard: silent only after the minimum without a reading (as the screens count it)
            }

            // "offline" again while already offline is said again (the incident is updated, or reopened or opened anew
            // if an officer or an admin closed it meanwhile): a device the screens show offline always has an incident.
            if (online && !_offline)
            {
                return;
            }

            _offline = !online;
            changes.Add(new(IncidentKind.DeviceOffline, deviceId, area, !online, Severity.Major, new Evidence("status", online ? 0 : 1, Detail: online ? "thiết bị báo đã kết nối lại / device reported online" : "thiết bị báo mất kết nối / device reported offline"), atMs));
        }

        public void CheckSilence(long nowMs, List<ConditionChange> changes)
        {
            // A silence that began before a restart is judged without the time the host was down.
            var judgedAt = _rhythm.LastMs == _downSince ? nowMs - _downFor : nowMs;
            if (_offline || !_rhythm.IsSilent(judgedAt, options.MinSilence, options.SilenceIntervals))
            {
                return;
            }

            _offline = true;
            var silent = nowMs - _rhythm.LastMs;
            var after = _rhythm.SilentAfterMs(options.MinSilence, options.SilenceIntervals);
            var quiet = TimeSpan.FromMilliseconds(silent);
            var detail = _rhythm.UsualIntervalMs is { } interval
                ? $"Không nhận được số liệu trong {Sentences.DurationVi(quiet)} (thiết bị thường gửi {Sentences.DurationVi(TimeSpan.FromMilliseconds(interval))} một lần) / No reading for {Sentences.DurationEn(quiet)} (the device usually sends one every {Sentences.DurationEn(TimeSpan.FromMilliseconds(interval))})"
                : $"Không nhận được số liệu trong {Sentences.DurationVi(quiet)} / No reading for {Sentences.DurationEn(quiet)}";
            changes.Add(new(IncidentKind.DeviceOffline, deviceId, area, true, Severity.Major, new Evidence("rule.silence", Math.Min(1, silent / (after * 2.0)), Value: silent / 1000.0, Baseline: after / 1000.0, Detail: detail), nowMs));
        }

        private void Congestion(in DeviceSample sample, List<ConditionChange> changes)
        {
            if (!sample.TryGet("avg_speed_kmh", out var speed) || !sample.TryGet("occupancy_pct", out var occupancy))
            {
                return;
            }

            _congestion ??= new(options.MinDuration, options.ClearAfter);
            var jammed = _congestion.Raised
                ? speed <= options.CongestionClearSpeedAboveKmh && occupancy >= options.CongestionClearOccupancyBelowPct
                : speed < options.CongestionSpeedBelowKmh && occupancy > options.CongestionOccupancyAbovePct;
            var severity = speed < options.CongestionSpeedBelowKmh / 2 && occupancy > 70 ? Severity.Major : Severity.Minor;
            if (_congestion.Observe(jammed, severity, sample.TimestampMs, out var present))
            {
                var score = Math.Clamp(1 - (speed / Math.Max(1, options.CongestionSpeedBelowKmh * 2)), 0, 1);
                var detail = $"Tốc độ {Sentences.Vi(speed)} km/h (dưới {Sentences.Vi(options.CongestionSpeedBelowKmh)} km/h) và mật độ xe {Sentences.Vi(occupancy)} % (trên {Sentences.Vi(options.CongestionOccupancyAbovePct)} %) trong ít nhất {Sentences.DurationVi(options.MinDuration)}"
                    + $" / Speed {Sentences.En(speed)} km/h (below {Sentences.En(options.CongestionSpeedBelowKmh)} km/h) and occupancy {Sentences.En(occupancy)} % (above {Sentences.En(options.CongestionOccupancyAbovePct)} %) for at least {Sentences.DurationEn(options.MinDuration)}";
                changes.Add(new(IncidentKind.Congestion, deviceId, area, present, severity, new Evidence("rule.congestion", present ? score : 0, "avg_speed_kmh", speed, options.CongestionSpeedBelowKmh, Detail: detail), sample.TimestampMs));
            }
        }

        private void Connectivity(in DeviceSample sample, List<ConditionChange> changes)
        {
            var hasLoss = sample.TryGet("packet_loss_pct", out var loss);
            var hasLatency = sample.TryGet("latency_ms", out var latency);
            if (!hasLoss && !hasLatency)
            {
                return;
            }

            loss = hasLoss ? loss : 0;
            latency = hasLatency ? latency : 0;
            _connectivity ??= new(options.MinDuration, options.ClearAfter);
            var degraded = _connectivity.Raised
                ? loss >= options.ConnectivityClearLossBelowPct || latency >= options.ConnectivityClearLatencyBelowMs
                : loss > options.ConnectivityLossAbovePct || latency > options.ConnectivityLatencyAboveMs;
            var severity = loss > 20 || latency > 1000 ? Severity.Major : Severity.Minor;
            if (_connectivity.Observe(degraded, severity, sample.TimestampMs, out var present))
            {
                var score = Math.Clamp(Math.Max(loss / (options.ConnectivityLossAbovePct * 4), latency / (options.ConnectivityLatencyAboveMs * 4)), 0, 1);
                var detail = $"Tỷ lệ mất gói {Sentences.Vi(loss, "0.##")} % (ngưỡng {Sentences.Vi(options.ConnectivityLossAbovePct, "0.##")} %), độ trễ {Sentences.Vi(latency, "0")} ms (ngưỡng {Sentences.Vi(options.ConnectivityLatencyAboveMs, "0")} ms) trong ít nhất {Sentences.DurationVi(options.MinDuration)}"
                    + $" / Packet loss {Sentences.En(loss, "0.##")} % (threshold {Sentences.En(options.ConnectivityLossAbovePct, "0.##")} %), latency {Sentences.En(latency, "0")} ms (threshold {Sentences.En(options.ConnectivityLatencyAboveMs, "0")} ms) for at least {Sentences.DurationEn(options.MinDuration)}";
                // The evidence's measurement is the one further past its threshold (latency of 900 ms against 300 was shown
                // as "packet loss 0.1 %, threshold 5 %").
                var byLatency = latency / options.ConnectivityLatencyAboveMs > loss / options.ConnectivityLossAbovePct;
                var evidence = byLatency
                    ? new Evidence("rule.connectivity", present ? score : 0, "latency_ms", latency, options.ConnectivityLatencyAboveMs, Detail: detail)
                    : new Evidence("rule.connectivity", present ? score : 0, "packet_loss_pct", loss, options.ConnectivityLossAbovePct, Detail: detail);
                changes.Add(new(IncidentKind.ConnectivityDegraded, deviceId, area, present, severity, evidence, sample.TimestampMs));
            }
        }

        private void AirQuality(in DeviceSample sample, List<ConditionChange> changes)
        {
            _airQuality ??= new AirQualityRule();
            _airQuality.Observe(sample, changes);
        }

        /// <summary>
        /// A metric that has varied before and now repeats the exact same value <see cref="RuleOptions.StuckSamples"/>
        /// times. Integer metrics (counts) and runs of exactly zero are left alone: both are normal at night.
        /// </summary>
        private void Stuck(in DeviceSample sample, List<ConditionChange> changes)
        {
            foreach (var metric in sample.Metrics)
            {
                if (metric.IsInteger)
                {
                    continue;
                }

                ref var state = ref StateOf(metric.Name, out var existed);
                if (!existed)
                {
                    state = new StuckState(metric.Name, metric.Value, 0, 0, false);
                    continue;
                }

                if (metric.Value == state.Last && metric.Value != 0)
                {
                    state.Repeats++;
                }
                else
                {
                    if (metric.Value != state.Last)
                    {
                        state.Changes++;
                    }

                    state.Repeats = 0;
                }

                state.Last = metric.Value;
                var stuck = state.Changes >= 3 && state.Repeats >= options.StuckSamples - 1;
                if (stuck == state.Raised)
                {
                    continue;
                }

                // One sensor_fault per device: raised by the first stuck metric, cleared when none is left.
                state.Raised = stuck;
                _stuckMetrics += stuck ? 1 : -1;
                if (stuck ? _stuckMetrics == 1 : _stuckMetrics == 0)
                {
                    var detail = stuck
                        ? $"Cảm biến báo cùng một giá trị {Sentences.Vi(metric.Value, "0.###")} {state.Repeats + 1} lần liên tiếp / The sensor has read {Sentences.En(metric.Value, "0.###")} {state.Repeats + 1} times in a row"
                        : "cảm biến báo giá trị thay đổi trở lại / the sensor's readings vary again";
                    changes.Add(new(IncidentKind.SensorFault, deviceId, area, stuck, Severity.Minor, new Evidence("rule.stuck", stuck ? 0.8 : 0, metric.Name, metric.Value, Detail: detail), sample.TimestampMs));
                }
            }
        }

        private ref StuckState StateOf(string metric, out bool existed)
        {
            for (var i = 0; i < _stuckCount; i++)
            {
                if (ReferenceEquals(_stuck![i].Metric, metric) || _stuck[i].Metric == metric)
                {
                    existed = true;
                    return ref _stuck[i];
                }
            }

            if (_stuck is null || _stuckCount == _stuck.Length)
            {
                // Exactly as many as the device has: its metrics seldom change, and there are 50,000 devices.
                Array.Resize(ref _stuck, _stuckCount + 1);
            }

            existed = false;
            return ref _stuck[_stuckCount++];
        }

        private struct StuckState(string metric, double last, int repeats, int changes, bool raised)
        {
            public readonly string Metric = metric;
            public double Last = last;
            public int Repeats = repeats;
            public int Changes = changes;
            public bool Raised = raised;
        }
    }
}
