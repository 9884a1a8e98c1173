using System.Net;

namespace IocCenter.Storage;

/// <summary>What a telemetry store made of one write.</summary>
public enum TelemetryWriteOutcome
{
    Written,

    /// <summary>Worth retrying unchanged: 5xx, 429, timeout, connection refused.</summary>
    Transient,

    /// <summary>The credentials were refused (401/403): an operator must act; the points are kept and retried.</summary>
    Unauthorized,

    /// <summary>The database does not exist (InfluxDB: 404 or "database not found").</summary>
    DatabaseNotFound,

    /// <summary>The request body was too large (413): send smaller batches.</summary>
    TooLarge,

    /// <summary>The store refused the points themselves (InfluxDB: 400 and other 4xx; a line that does not parse): retrying unchanged cannot succeed.</summary>
    Rejected,
}

public readonly record struct TelemetryWriteResult(TelemetryWriteOutcome Outcome, HttpStatusCode? Status, string? Message);
