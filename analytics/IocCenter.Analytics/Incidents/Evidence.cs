namespace IocCenter.Analytics.Incidents;

/// <summary>
/// Why a detector fired: its score in [0, 1], the values it saw and what it expected. <see cref="Provisional"/>:
/// an estimate that a later, official value replaces (the provisional VN_AQI before its hour's index exists); the
/// incident lifecycle lets that replacement lower the severity or clear the incident with its own evidence.
/// <see cref="ReadingAt"/>: the time of the reading that raised it (the device's own timestamp), which is not when
/// the incident opened when a device sends late — readings it kept through an outage — so its chart shows that hour.
/// </summary>
public sealed record Evidence(
    string Detector,
    double Score,
    string? Metric = null,
    double? Value = null,
    double? Baseline = null,
    string? ModelVersion = null,
    string? Detail = null,
    bool Provisional = false,
    DateTimeOffset? ReadingAt = null);
