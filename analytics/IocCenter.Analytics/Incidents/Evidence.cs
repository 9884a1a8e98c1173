namespace IocCenter.Analytics.Incidents;

/// <summary>Why a detector fired: its score in [0, 1], the values it saw and what it expected.</summary>
public sealed record Evidence(
    string Detector,
    double Score,
    string? Metric = null,
    double? Value = null,
    double? Baseline = null,
    string? ModelVersion = null,
    string? Detail = null);
