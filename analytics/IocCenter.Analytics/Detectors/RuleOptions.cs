namespace IocCenter.Analytics.Detectors;

/// <summary>Thresholds of the rule detectors; bound from configuration section <c>Analytics:Rules</c>.</summary>
public sealed class RuleOptions
{
    public const string Section = "Analytics:Rules";

    /// <summary>Congestion: average speed below this while occupancy is above <see cref="CongestionOccupancyAbovePct"/>.</summary>
    public double CongestionSpeedBelowKmh { get; set; } = 15;

    public double CongestionOccupancyAbovePct { get; set; } = 50;

    /// <summary>Once raised, congestion clears only above this speed or below this occupancy (hysteresis in value).</summary>
    public double CongestionClearSpeedAboveKmh { get; set; } = 20;

    public double CongestionClearOccupancyBelowPct { get; set; } = 40;

    public double ConnectivityLossAbovePct { get; set; } = 5;

    public double ConnectivityLatencyAboveMs { get; set; } = 300;

    public double ConnectivityClearLossBelowPct { get; set; } = 2;

    public double ConnectivityClearLatencyBelowMs { get; set; } = 150;

    /// <summary>How long a condition must hold before it becomes an incident.</summary>
    public TimeSpan MinDuration { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long it must be normal before its incident clears.</summary>
    public TimeSpan ClearAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A device is offline after this many of its usual intervals without a reading (and <see cref="MinSilence"/>).</summary>
    public double SilenceIntervals { get; set; } = Devices.ReportingRhythm.DefaultIntervals;

    /// <summary>The shortest silence that makes a device offline, however fast it reports; the screens use the same.</summary>
    public TimeSpan MinSilence { get; set; } = Devices.ReportingRhythm.DefaultMinimum;

    /// <summary>An area is out when at least this share of its devices (and <see cref="AreaOutageMinDevices"/>) are offline at once.</summary>
    public double AreaOutageShare { get; set; } = 0.5;

    public int AreaOutageMinDevices { get; set; } = 3;

    /// <summary>A varying metric that repeats the exact same value this many times is stuck.</summary>
    public int StuckSamples { get; set; } = 12;

    /// <summary>
    /// How much time a series' readings must cover (each gap counted up to 2 hours) before its anomaly can become an
    /// incident; <see cref="TimeSpan.Zero"/> turns the hold off. Its scores are computed and shown from its first
    /// readings; only the incident waits, and the rules (congestion, connectivity, offline, stuck sensor, air quality)
    /// never do, nor does the domain's PCA model (trained on a day of the domain, it has no series detector). A new
    /// device's detectors judge after a few hours, while what is ordinary for it (a link's rare jumps) is not yet known:
    /// the simulator's fresh fleet raised 76 false anomaly incidents over its first two days at 300 devices (seed 1),
    /// 1 with this hold.
    /// </summary>
    public TimeSpan AnomalyLearning { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Whether a device still has an active device_offline incident from before this start (set by the host from the
    /// incident store, not from configuration). The rules start that device offline, so its first reading or
    /// <c>online</c> clears the incident instead of leaving it open under a device the screens show reporting.
    /// </summary>
    public Func<string, bool>? OfflineAtStart { get; set; }

    /// <summary>
    /// Whether a device still has an active anomaly incident from before this start (set by the host from the incident
    /// store). Every series of that device then starts holding it open, so the incident clears once the device is calm
    /// (10 ordinary readings of each series) instead of staying active for good.
    /// </summary>
    public Func<string, bool>? AnomalyAtStart { get; set; }

    /// <summary>The name of an area (commune) code, for the text of an area outage (set from the province pack, not from configuration).</summary>
    public Func<string, string>? AreaName { get; set; }
}
