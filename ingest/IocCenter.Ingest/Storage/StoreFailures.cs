using System.Net.Sockets;
using System.Text.Json;
using IocCenter.Storage;
using Microsoft.Data.Sqlite;

namespace IocCenter.Ingest.Storage;

/// <summary>
/// What an exception from a telemetry store means for the batch it was writing. A store classifies what it expects
/// (an HTTP status, SQLite's busy and full errors); anything else used to leave the batch never marked done, so the
/// journal's checkpoint stopped and ingest stopped acknowledging until a restart, with <c>/health</c> still green.
/// Now every exception is one of:
/// <list type="bullet">
/// <item><b>rejected</b> (the data itself: a constraint, a value out of range, a malformed line): the batch is split
/// until the lines at fault stand alone, and those are dead-lettered with the error;</item>
/// <item><b>needs an operator</b> (the database is corrupt, read-only, cannot be opened, or access is denied):
/// retried with backoff for as long as it takes, and <c>/health</c> says what to repair;</item>
/// <item><b>transient</b> (everything else, the unknown included): retried with backoff, <c>/health</c> saying why.</item>
/// </list>
/// Nothing is dropped unless the store said the data itself is wrong.
/// </summary>
internal static class StoreFailures
{
    public static TelemetryWriteResult Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var what = $"{exception.GetType().Name}: {exception.Message}";
        return exception switch
        {
            // SQLITE_TOOBIG, SQLITE_CONSTRAINT, SQLITE_MISMATCH: this batch's data. (SQLITE_RANGE is a binding mistake
            // in the store's own code, not the data's: it is retried and shown in /health, never dead-lettered.)
            SqliteException { SqliteErrorCode: 18 or 19 or 20 } => new(TelemetryWriteOutcome.Rejected, null, what),

            // SQLITE_PERM, SQLITE_READONLY, SQLITE_CORRUPT, SQLITE_CANTOPEN, SQLITE_AUTH, SQLITE_NOTADB: the database.
            SqliteException { SqliteErrorCode: 3 or 8 or 11 or 14 or 23 or 26 } or UnauthorizedAccessException =>
                new(TelemetryWriteOutcome.Transient, null, $"kho dữ liệu cần người vận hành xử lý / the store needs an operator: {what}"),

            // ArgumentException is left out on purpose: more often a bug in a store than bad data, and a store bug
            // that threw it on every batch would have dead-lettered every reading.
            FormatException or OverflowException or InvalidDataException or JsonException =>
                new(TelemetryWriteOutcome.Rejected, null, what),

            HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException or SqliteException =>
                new(TelemetryWriteOutcome.Transient, null, what),

            _ => new(TelemetryWriteOutcome.Transient, null, $"lỗi không lường trước / unexpected {what}"),
        };
    }
}
