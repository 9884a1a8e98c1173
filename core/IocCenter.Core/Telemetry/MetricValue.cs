namespace IocCenter.Telemetry;

/// <summary>One metric of a reading. Integer metrics carry an integral <see cref="Value"/> and are stored as integers.</summary>
public readonly record struct MetricValue(string Name, double Value, bool IsInteger);
