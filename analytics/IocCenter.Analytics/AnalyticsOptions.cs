using System.ComponentModel.DataAnnotations;

namespace IocCenter.Analytics;

/// <summary>Bound from configuration section <c>Analytics</c> (thresholds of the rules: <c>Analytics:Rules</c>).</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>The incident database (SQLite).</summary>
    [Required]
    public string DatabasePath { get; set; } = Path.Combine("data", "analytics", "incidents.db");

    /// <summary>A condition that returns this soon after its incident was resolved reopens it.</summary>
    public TimeSpan ReopenWithin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A series score at or above this opens an anomaly incident. Scores are calibrated: 1 − p, where p is how often
    /// the series itself shows a reading at least this unusual, so the default 1 − 10⁻⁹ opens an incident for a reading
    /// rarer than one in a billion of its own: on clean simulated days (300 devices, 864,000 readings a day, seeds
    /// 1–20) the calibrated stage then adds no false incident to the spike rule's; 1 − 10⁻⁸ added 3, and finds a
    /// little more on real data (README, Analytics). The spike and level-shift rules and the PCA model score 1 when
    /// they fire.
    /// </summary>
    [Range(0.999, 1, ErrorMessage = "Analytics:AnomalyThreshold phải từ 0,999 đến 1: điểm bây giờ là xác suất hiệu chuẩn (mặc định 0,999999999); giá trị cũ 0,8 sẽ báo nhầm hàng trăm lần mỗi ngày / must be between 0.999 and 1: scores are calibrated probabilities now (default 0.999999999); the old 0.8 would raise hundreds of false incidents a day")]
    public double AnomalyThreshold { get; set; } = DefaultAnomalyThreshold;

    /// <summary>1 − 10⁻⁹.</summary>
    public const double DefaultAnomalyThreshold = 0.999999999;

    /// <summary>Readings waiting for the detectors; past this the oldest are dropped (and counted), never ingest slowed.</summary>
    [Range(1000, 10_000_000)]
    public int QueueCapacity { get; set; } = 200_000;

    /// <summary>
    /// Whether devices missing from the registry raise incidents (default true: what the screens show offline has an
    /// incident saying why). False: with a registry, readings of unregistered devices are stored but not watched.
    /// </summary>
    public bool WatchUnregisteredDevices { get; set; } = true;

    /// <summary>
    /// How often what the detectors learnt is saved (<c>detectors.state</c> beside <see cref="DatabasePath"/>; also at
    /// every stop, and read at every start), so a restart does not start every series afresh. 00:00:00: never saved or
    /// read (the detectors start afresh at every start).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Analytics:DetectorStateEvery phải từ 00:00:00 (không lưu) đến 1.00:00:00 / must be between 00:00:00 (never saved) and 1.00:00:00")]
    public TimeSpan DetectorStateEvery { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan SilenceCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Compact the managed heap once the watched series stop growing (a minute without a new one after a growth of a
    /// tenth or 1,000 series), and at most every 6 hours when a fifth of it is holes: the process pauses for the
    /// collection (about 0.2 s at 50,000 devices), and gives back the memory the growth left behind. Off by default; the
    /// analytics host turns it on in its appsettings.json (the all-in-one host, where the pause would also stop the
    /// embedded broker and the walls, was not measured with it).
    /// </summary>
    public bool CompactHeapWhenSettled { get; set; }

    /// <summary>The analytics loop is stuck (and <c>/health</c> Unhealthy) when it has made no progress for this long.</summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest wait between retries of an incident write that failed.</summary>
    public TimeSpan IncidentWriteRetryMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Run the ML.NET PCA model per domain, trained from the telemetry store's history once it holds a day, then
    /// every <see cref="MlRetrainEvery"/>; calibrated to an incident-level false-alarm target on that history.
    /// </summary>
    public bool MlEnabled { get; set; } = true;

    /// <summary>How often training is tried while a domain has no model yet (not enough history).</summary>
    public TimeSpan MlRetryEvery { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan MlRetrainEvery { get; set; } = TimeSpan.FromHours(24);
}
