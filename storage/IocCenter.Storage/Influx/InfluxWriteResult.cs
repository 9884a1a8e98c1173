using System.Net;

namespace IocCenter.Storage.Influx;

public enum InfluxWriteOutcome
{
    Written,

    /// <summary>Worth retrying unchanged: 5xx, 429, timeout, connection refused.</summary>
    Transient,

    /// <summary>The credentials were refused (401/403): an operator must act; the points are kept and retried.</summary>
    Unauthorized,

    /// <summary>The database does not exist (404 or "database not found").</summary>
    DatabaseNotFound,

    /// <summary>The request body was too large (413): send smaller batches.</summary>
    TooLarge,

    /// <summary>InfluxDB refused the points themselves (400 and other 4xx): retrying unchanged cannot succeed.</summary>
    Rejected,
}

public readonly record struct InfluxWriteResult(InfluxWriteOutcome Outcome, HttpStatusCode? Status, string? Message);
