namespace IocCenter.Telemetry;

/// <summary>A metric of the v1 contract with its unit and the range a working sensor can report.</summary>
public sealed record MetricDefinition(string Name, TelemetryDomain Domain, string Unit, bool IsInteger, double Min, double Max)
{
    public bool InRange(double value) => value >= Min && value <= Max;
}
