namespace IocCenter.Storage;

/// <summary>
/// Where ingest writes telemetry: InfluxDB (<see cref="Influx.InfluxHttpClient"/>), or the embedded SQLite store
/// of the all-in-one host (<see cref="Sqlite.SqliteTelemetryStore"/>). Both take line protocol (what the journal
/// holds), store a point once per (measurement, device, time) — a repeat overwrites it — and pass the same
/// contract tests.
/// </summary>
public interface ITelemetryStore
{
    /// <summary>For logs and health: what and where the store is.</summary>
    string Description { get; }

    /// <summary>True when the store answers.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>Creates the database if it does not exist (idempotent).</summary>
    Task CreateAsync(CancellationToken cancellationToken);

    /// <summary>Writes newline-separated line-protocol points; durable when it returns <see cref="TelemetryWriteOutcome.Written"/>.</summary>
    Task<TelemetryWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken);
}
