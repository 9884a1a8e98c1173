using System.Runtime.InteropServices;
using IocCenter.Analytics.Incidents;

namespace IocCenter.Analytics.Detectors;

/// <summary>
/// Every streaming detector for a fleet: the rule engine, and one <see cref="SeriesDetector"/> per (device,
/// metric) whose scores open and close one <c>anomaly</c> condition per device. The same set runs live, in the
/// backtest and in the evaluation, so all three judge alike. Not thread-safe: one owner loop.
/// </summary>
public sealed partial class DetectorSet(RuleOptions rules, double anomalyThreshold, Ml.PcaSupervisor? pca = null)
{
    private const int QuietSamples = 10;

    /// <summary>
    /// A series is quiet below a hundred times the threshold's tail probability (at most 0.5): scores are calibrated
    /// (1 − p), so at 1 − 10⁻⁶ a series is quiet once its readings are no rarer than one in 10,000.
    /// </summary>
    private readonly double _quietBelow = 1 - Math.Min(0.5, 100 * (1 - anomalyThreshold));

    private readonly RuleEngine _rules = new(rules);
    private readonly Dictionary<(string Device, string Metric), SeriesState> _series = [];
    private readonly Dictionary<string, int> _anomalousMetrics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<IncidentKind, double>> _activeRules = new(StringComparer.Ordinal);

    public int DeviceCount => _rules.DeviceCount;

    /// <summary>The series watched: one per (device, metric), and one per device its domain's PCA model scores.</summary>
    public int SeriesCount => _series.Count;

    /// <summary>
    /// Feeds one reading; appends the raises and clears it causes, and returns the strongest signal on this
    /// sample: a series score, or an active rule condition of the device.
    /// </summary>
    public (double Score, string? Detector) Observe(in DeviceSample sample, List<ConditionChange> changes)
    {
        var (score, detector, metric) = Feed(sample, changes);
        return (score, metric is null ? detector : $"{detector}:{metric}");
    }

    /// <summary>
    /// <see cref="Observe"/> as the live loop runs it: the same raises and clears, and the strongest signal's parts
    /// without joining them into a string (every reading now has a graded score, so that string was made on every sample).
    /// </summary>
    public (double Score, string? Detector, string? Metric) Feed(in DeviceSample sample, List<ConditionChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var first = changes.Count;
        _rules.Observe(sample, changes);
        (double Score, string? Detector, string? Metric) best = (0, null, null);
        foreach (var metric in sample.Metrics)
        {
            ref var series = ref CollectionsMarshal.GetValueRefOrAddDefault(_series, (sample.DeviceId, metric.Name), out var known);
            if (!known)
            {
                AwaitIfActiveAtStart(sample.DeviceId, ref series);
            }

            series.Detector ??= new SeriesDetector();
            SeriesScore score;
            try
            {
                score = series.Detector.Observe(sample.TimestampMs, metric.Value);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A detector that throws once would throw again on every reading of its device (a state no reading could
                // make, from a crafted state file): it starts afresh, and this reading is skipped by the loop and counted.
                series.Detector = new SeriesDetector();
                throw;
            }

            if (score.Score > best.Score)
            {
                best = (score.Score, score.Detector, metric.Name);
            }

            Track(sample, metric.Name, metric.Value, ref series, score, changes);
        }

        if (pca is not null)
        {
            // The domain's PCA model, when it has one, is one more series of the device (scored by the model, so
            // it has no detector of its own).
            var score = pca.Observe(sample);
            ref var series = ref CollectionsMarshal.GetValueRefOrAddDefault(_series, (sample.DeviceId, "pca"), out var known);
            if (!known)
            {
                AwaitIfActiveAtStart(sample.DeviceId, ref series);
            }

            if (score.Score > best.Score)
            {
                best = (score.Score, "pca", null);
            }

            Track(sample, "pca", score.Score, ref series, score, changes);
        }

        RememberRules(changes, first);
        if (_activeRules.TryGetValue(sample.DeviceId, out var active))
        {
            foreach (var (kind, score) in active)
            {
                if (score > best.Score)
                {
                    best = (score, "rule:" + kind.Code(), null);
                }
            }
        }

        return best;
    }

    /// <summary>A new series of a device whose anomaly the store has active holds it once it is heard (<see cref="RuleOptions.AnomalyAtStart"/>, <see cref="Track"/>).</summary>
    private void AwaitIfActiveAtStart(string deviceId, ref SeriesState series) =>
        series.AwaitsStart = rules.AnomalyAtStart?.Invoke(deviceId) == true;

    public void ObserveStatus(string deviceId, string? area, bool online, long atMs, List<ConditionChange> changes) =>
        _rules.ObserveStatus(deviceId, area, online, atMs, changes);

    public void CheckSilence(long nowMs, List<ConditionChange> changes) => _rules.CheckSilence(nowMs, changes);

    /// <summary>Rule conditions raised and not yet cleared colour every later sample of their device.</summary>
    private void RememberRules(List<ConditionChange> changes, int from)
    {
        for (var i = from; i < changes.Count; i++)
        {
            var change = changes[i];
            if (change.Kind == IncidentKind.Anomaly || change.DeviceId is null)
            {
                continue;
            }

            if (change.Present)
            {
                if (!_activeRules.TryGetValue(change.DeviceId, out var kinds))
                {
                    _activeRules[change.DeviceId] = kinds = [];
                }

                kinds[change.Kind] = Math.Max(change.Evidence.Score, 0.5);
            }
            else if (_activeRules.TryGetValue(change.DeviceId, out var kinds) && kinds.Remove(change.Kind) && kinds.Count == 0)
            {
                _activeRules.Remove(change.DeviceId);
            }
        }
    }

    /// <summary>One anomaly per device: raised by its first anomalous metric, cleared when none is left.</summary>
    private void Track(in DeviceSample sample, string metric, double value, ref SeriesState series, SeriesScore score, List<ConditionChange> changes)
    {
        if (series.AwaitsStart)
        {
            // Heard after a start while its device's anomaly is held (see Restore): it holds it too, without raising it
            // again, if the store still has it active now (it may have cleared since, by the device's other series).
            series.AwaitsStart = false;
            if (rules.AnomalyAtStart?.Invoke(sample.DeviceId) ?? true)
            {
                series.Open = true;
                series.Quiet = 0;
                _anomalousMetrics[sample.DeviceId] = _anomalousMetrics.GetValueOrDefault(sample.DeviceId) + 1;
            }
        }

        // The covered time is summed in floats (a day of readings a minute comes to 23.9999 hours): 0.1 % short is the day.
        var learning = series.Detector is { } detector && detector.CoveredHours < rules.AnomalyLearning.TotalHours * 0.999;
        if (series.Learning)
        {
            // An alarm of the series' learning time (see RuleOptions.AnomalyLearning): nobody was told. It must calm down
            // like an open one: the calibrated stage holds an alarm's score for 20 readings, and that held score became an
            // incident the minute the learning time ended, with an ordinary reading as its evidence (simulator seed 123).
            // An alarm that outlasts a held one after the learning time is raised: a shift that began in its last minutes
            // is still under way.
            series.Quiet = score.Score < _quietBelow ? series.Quiet + 1 : 0;
            series.Outlasting = score.Score >= anomalyThreshold && !learning ? series.Outlasting + 1 : 0;
            if (series.Quiet >= QuietSamples || series.Outlasting > SeriesDetector.HeldReadings)
            {
                series.Learning = false;
                series.Quiet = 0;
            }

            if (series.Learning || series.Outlasting <= SeriesDetector.HeldReadings)
            {
                return;
            }

            series.Outlasting = 0;
        }
        else if (!series.Open && score.Score >= anomalyThreshold && learning)
        {
            series.Learning = true;
            series.Quiet = 0;
            series.Outlasting = 0;
            return;
        }

        if (!series.Open && score.Score >= anomalyThreshold)
        {
            series.Open = true;
            series.Quiet = 0;
            var count = _anomalousMetrics.GetValueOrDefault(sample.DeviceId) + 1;
            _anomalousMetrics[sample.DeviceId] = count;
            if (count == 1)
            {
                var version = metric == "pca" ? string.Join(',', pca?.Versions ?? []) : null;
                var detail = metric == "pca"
                    ? $"Mô hình học máy: tổ hợp số liệu khác hẳn thường lệ của lĩnh vực (điểm bất thường {Sentences.Vi(score.Score, "0.00")}) / Machine-learning model: the readings together are unlike the domain's usual ones (anomaly score {Sentences.En(score.Score, "0.00")})"
                    : Sentence(score.Detector, value, score.Baseline, score.Score);
                changes.Add(new(IncidentKind.Anomaly, sample.DeviceId, sample.Area, true, Severity.Warning, new Evidence(score.Detector ?? "series", score.Score, metric, value, score.Baseline, version, detail), sample.TimestampMs));
            }
        }
        else if (series.Open)
        {
            series.Quiet = score.Score < _quietBelow ? series.Quiet + 1 : 0;
            if (series.Quiet >= QuietSamples)
            {
                series.Open = false;
                var left = _anomalousMetrics[sample.DeviceId] - 1;
                _anomalousMetrics[sample.DeviceId] = left;
                if (left == 0)
                {
                    changes.Add(new(IncidentKind.Anomaly, sample.DeviceId, sample.Area, false, Severity.Warning, new Evidence("series", 0, metric, value, Detail: "trở lại bình thường / back to normal"), sample.TimestampMs));
                }
            }
        }
    }

    /// <summary>What the detector saw, in words an officer acts on (the metric, its value and usual level are shown beside it).</summary>
    private static string Sentence(string? detector, double value, double usual, double score)
    {
        var up = value >= usual;
        return detector switch
        {
            "point" => up
                ? $"Số liệu cao bất thường so với chính thiết bị này: {Sentences.Vi(value, "0.##")}, thường khoảng {Sentences.Vi(usual, "0.##")}; {RarityVi(score)} / Unusually high for this device: {Sentences.En(value, "0.##")}, usually about {Sentences.En(usual, "0.##")}; {RarityEn(score)}"
                : $"Số liệu thấp bất thường so với chính thiết bị này: {Sentences.Vi(value, "0.##")}, thường khoảng {Sentences.Vi(usual, "0.##")}; {RarityVi(score)} / Unusually low for this device: {Sentences.En(value, "0.##")}, usually about {Sentences.En(usual, "0.##")}; {RarityEn(score)}",
            "shift" => up
                ? $"Số liệu cao hơn thường lệ, kéo dài một thời gian: {Sentences.Vi(value, "0.##")}, thường khoảng {Sentences.Vi(usual, "0.##")}; {RarityVi(score)} / Readings above their usual level for a while: {Sentences.En(value, "0.##")}, usually about {Sentences.En(usual, "0.##")}; {RarityEn(score)}"
                : $"Số liệu thấp hơn thường lệ, kéo dài một thời gian: {Sentences.Vi(value, "0.##")}, thường khoảng {Sentences.Vi(usual, "0.##")}; {RarityVi(score)} / Readings below their usual level for a while: {Sentences.En(value, "0.##")}, usually about {Sentences.En(usual, "0.##")}; {RarityEn(score)}",
            "burst" => $"Nhiều số đo gần đây lệch xa mức thường của chính thiết bị này (cao hoặc thấp): {Sentences.Vi(value, "0.##")}, thường khoảng {Sentences.Vi(usual, "0.##")}; {RarityVi(score)} / Many recent readings far from this device's usual level (high or low): {Sentences.En(value, "0.##")}, usually about {Sentences.En(usual, "0.##")}; {RarityEn(score)}",
            "spike" => up
                ? $"Giá trị tăng đột biến: {Sentences.Vi(value, "0.##")}, bình thường khoảng {Sentences.Vi(usual, "0.##")} / A sudden jump: {Sentences.En(value, "0.##")}, usually about {Sentences.En(usual, "0.##")}"
                : $"Giá trị giảm đột biến: {Sentences.Vi(value, "0.##")}, bình thường khoảng {Sentences.Vi(usual, "0.##")} / A sudden drop: {Sentences.En(value, "0.##")}, usually about {Sentences.En(usual, "0.##")}",
            "level_shift" => up
                ? $"Số liệu cao hơn mức thường thấy vào giờ này, kéo dài một thời gian: {Sentences.Vi(value, "0.##")}, thường khoảng {Sentences.Vi(usual, "0.##")} / Readings above their usual level for this time of day for a while: {Sentences.En(value, "0.##")}, usually about {Sentences.En(usual, "0.##")}"
                : $"Số liệu thấp hơn mức thường thấy vào giờ này, kéo dài một thời gian: {Sentences.Vi(value, "0.##")}, thường khoảng {Sentences.Vi(usual, "0.##")} / Readings below their usual level for this time of day for a while: {Sentences.En(value, "0.##")}, usually about {Sentences.En(usual, "0.##")}",

            _ => $"Số liệu khác thường: {Sentences.Vi(value, "0.##")} / Unusual reading: {Sentences.En(value, "0.##")}",
        };
    }

    /// <summary>How rare a calibrated score says the reading is, as an officer reads it ("1 lần trong 250 triệu số liệu").</summary>
    internal static string RarityVi(double score) => Rarity(score, vi: true);

    internal static string RarityEn(double score) => Rarity(score, vi: false);

    private static string Rarity(double score, bool vi)
    {
        var p = 1 - score;
        if (!(p > 1e-12))
        {
            return vi ? "ước tính thiết bị chưa từng có số liệu nào như vậy" : "by estimate the device has never shown anything like it";
        }

        var n = 1 / p;
        var (amount, unitVi, unitEn) = n switch
        {
            >= 1e9 => (n / 1e9, " tỷ", " billion"),
            >= 1e6 => (n / 1e6, " triệu", " million"),
            _ => (n, "", ""),
        };
        return vi
            ? $"ước tính khoảng 1 lần trong {Sentences.Vi(amount, "0")}{unitVi} lần đo của thiết bị"
            : $"estimated at about 1 in {Sentences.En(amount, "0")}{unitEn} of its readings";
    }

    /// <summary>Series read from a saved state (<see cref="Read"/>), for <see cref="Restore"/>.</summary>
    internal sealed class SavedSeries
    {
        internal SavedSeries(Dictionary<(string Device, string Metric), SeriesState> series, List<RuleEngine.SavedDevice> devices) =>
            (Series, Devices) = (series, devices);

        public int Count => Series.Count;

        internal Dictionary<(string Device, string Metric), SeriesState> Series { get; }

        internal List<RuleEngine.SavedDevice> Devices { get; }
    }

    /// <summary>A series' detector and whether it holds its device's anomaly open; kept in the map itself.</summary>
    internal struct SeriesState
    {
        public SeriesDetector? Detector;
        public bool Open;
        public bool AwaitsStart; // holds its device's anomaly once it is heard after a start (see Restore)
        public bool Learning; // an alarm while the series was learning, raised to nobody, not yet calm (see Track)
        public int Outlasting; // readings at the threshold since the learning time ended, while Learning (see Track)
        public int Quiet;
    }
}
