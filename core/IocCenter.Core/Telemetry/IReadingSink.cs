namespace IocCenter.Telemetry;

/// <summary>
/// Receives every reading ingest accepts, as it is decoded (analytics, live views). Called on ingest's hot path:
/// implementations copy what they need and return at once; they must never block or throw.
/// </summary>
public interface IReadingSink
{
    void Accept(string deviceId, TelemetryDomain domain, string? area, long timestampMs, ReadOnlySpan<MetricValue> metrics);

    void AcceptStatus(string deviceId, TelemetryDomain domain, string? area, bool online, long timestampMs);
}
