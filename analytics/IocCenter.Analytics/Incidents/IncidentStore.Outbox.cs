using System.Text.Json;
using IocCenter.Analytics.Notifications;
using Microsoft.Data.Sqlite;

namespace IocCenter.Analytics.Incidents;

/// <summary>One notification waiting in (or gone through) the outbox.</summary>
/// <remarks><see cref="Skipped"/>: not sent because it no longer needed to be (<see cref="LastError"/> says why); <see cref="GaveUpAt"/> is when.</remarks>
public sealed record OutboxEntry(long Id, Notification Notification, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, int Attempts, string? LastError, DateTimeOffset? SentAt, DateTimeOffset? GaveUpAt, bool Skipped = false);

/// <summary>How one channel is doing, for the admin page and <c>/health</c>.</summary>
public sealed record ChannelStatus(string Channel, int Waiting, int Failing, int Sent, int GaveUp, DateTimeOffset? LastSentAt, string? LastError, DateTimeOffset? OldestWaitingSince, int Skipped = 0);

// The outbox lives in the incident store, so a notification is decided in the same transaction as the change that
// caused it: a crash after the commit still finds it, a crash before leaves neither. Each row's key is unique.
public sealed partial class IncidentStore
{
    private void CreateOutbox() => Execute("""
        CREATE TABLE IF NOT EXISTS outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL UNIQUE,
            incident_id INTEGER NOT NULL,
            channel TEXT NOT NULL,
            recipient TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            sent_at INTEGER,
            gave_up_at INTEGER,
            skipped INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL AND gave_up_at IS NULL;
        CREATE TABLE IF NOT EXISTS decisions (
            key TEXT PRIMARY KEY,
            incident_id INTEGER NOT NULL,
            at INTEGER NOT NULL);
        """);

    private bool Decide(SqliteTransaction transaction, string key, long incidentId, DateTimeOffset at)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT OR IGNORE INTO decisions (key, incident_id, at) VALUES ($key, $id, $at)";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$id", incidentId);
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        return command.ExecuteNonQuery() == 1;
    }

    private void Enqueue(SqliteTransaction transaction, IReadOnlyList<Notification> notifications, DateTimeOffset at, TimeSpan hold)
    {
        foreach (var n in notifications)
        {
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT OR IGNORE INTO outbox (key, incident_id, channel, recipient, payload, created_at, next_attempt_at)
                VALUES ($key, $incident, $channel, $recipient, $payload, $at, $first)
                """;
            command.Parameters.AddWithValue("$key", n.Key);
            command.Parameters.AddWithValue("$incident", n.IncidentId);
            command.Parameters.AddWithValue("$channel", n.Channel);
            command.Parameters.AddWithValue("$recipient", n.Recipient);
            command.Parameters.AddWithValue("$payload", JsonSerializer.Serialize(n, Json));
            command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$first", (at + hold).ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Notifications due now, oldest first.</summary>
    public IReadOnlyList<OutboxEntry> DueNotifications(DateTimeOffset now, int limit) => Outbox(
        "SELECT * FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= $now ORDER BY next_attempt_at, id LIMIT $n",
        c =>
        {
            c.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            c.Parameters.AddWithValue("$n", limit);
        });

    /// <summary>The newest outbox rows (any state), newest first, for the admin page.</summary>
    public IReadOnlyList<OutboxEntry> RecentNotifications(int limit) =>
        Outbox("SELECT * FROM outbox ORDER BY id DESC LIMIT $n", c => c.Parameters.AddWithValue("$n", limit));

    public IReadOnlyList<OutboxEntry> NotificationsOf(long incidentId) =>
        Outbox("SELECT * FROM outbox WHERE incident_id = $id ORDER BY id", c => c.Parameters.AddWithValue("$id", incidentId));

    public void MarkSent(long id, DateTimeOffset at) => Execute(
        "UPDATE outbox SET sent_at = $at, attempts = attempts + 1, last_error = NULL WHERE id = $id",
        c =>
        {
            c.Parameters.AddWithValue("$id", id);
            c.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        });

    /// <summary>Not sent, and not to be: the reason is kept (a new incident that cleared during its hold).</summary>
    public void MarkSkipped(long id, string reason, DateTimeOffset at) => Execute(
        "UPDATE outbox SET last_error = $reason, gave_up_at = $at, skipped = 1 WHERE id = $id",
        c =>
        {
            c.Parameters.AddWithValue("$id", id);
            c.Parameters.AddWithValue("$reason", reason);
            c.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        });

    /// <summary>A failed attempt: tried again at <paramref name="next"/>, or given up on (still listed, with its reason).</summary>
    public void MarkFailed(long id, string error, DateTimeOffset next, bool giveUp, DateTimeOffset at) => Execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $error, next_attempt_at = $next, gave_up_at = $gave_up WHERE id = $id",
        c =>
        {
            c.Parameters.AddWithValue("$id", id);
            c.Parameters.AddWithValue("$error", error.Length > 500 ? error[..500] : error);
            c.Parameters.AddWithValue("$next", next.ToUnixTimeMilliseconds());
            c.Parameters.AddWithValue("$gave_up", giveUp ? at.ToUnixTimeMilliseconds() : DBNull.Value);
        });

    /// <summary>
    /// Forgets messages sent or given up on before <paramref name="before"/>, and escalation decisions as old (a step's
    /// number only grows, so an old step is never due again). Returns how many messages went.
    /// </summary>
    public int PruneNotifications(DateTimeOffset before)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at < $before) OR (gave_up_at IS NOT NULL AND gave_up_at < $before)";
        command.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
        var pruned = command.ExecuteNonQuery();
        using var decisions = _connection.CreateCommand();
        decisions.Transaction = transaction;
        decisions.CommandText = "DELETE FROM decisions WHERE at < $before";
        decisions.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
        decisions.ExecuteNonQuery();
        transaction.Commit();
        return pruned;
    }

    /// <summary>Per channel: waiting, failing (waiting after a failed attempt), sent, given up; the last error.</summary>
    public IReadOnlyList<ChannelStatus> ChannelStatuses()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT channel,
                SUM(sent_at IS NULL AND gave_up_at IS NULL),
                SUM(sent_at IS NULL AND gave_up_at IS NULL AND attempts > 0),
                SUM(sent_at IS NOT NULL),
                SUM(gave_up_at IS NOT NULL AND skipped = 0),
                MAX(sent_at),
                (SELECT last_error FROM outbox o2 WHERE o2.channel = outbox.channel AND o2.last_error IS NOT NULL AND o2.skipped = 0 ORDER BY o2.id DESC LIMIT 1),
                MIN(CASE WHEN sent_at IS NULL AND gave_up_at IS NULL THEN created_at END),
                SUM(skipped)
            FROM outbox GROUP BY channel ORDER BY channel
            """;
        using var reader = command.ExecuteReader();
        var statuses = new List<ChannelStatus>();
        while (reader.Read())
        {
            DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i));
            statuses.Add(new ChannelStatus(
                reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4),
                Time(5), reader.IsDBNull(6) ? null : reader.GetString(6), Time(7), reader.GetInt32(8)));
        }

        return statuses;
    }

    private List<OutboxEntry> Outbox(string sql, Action<SqliteCommand> bind)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        using var reader = command.ExecuteReader();
        var entries = new List<OutboxEntry>();
        while (reader.Read())
        {
            DateTimeOffset? Time(string column) => reader.IsDBNull(reader.GetOrdinal(column)) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(reader.GetOrdinal(column)));
            entries.Add(new OutboxEntry(
                reader.GetInt64(reader.GetOrdinal("id")),
                JsonSerializer.Deserialize<Notification>(reader.GetString(reader.GetOrdinal("payload")), Json)!,
                Time("created_at")!.Value,
                Time("next_attempt_at")!.Value,
                reader.GetInt32(reader.GetOrdinal("attempts")),
                reader.IsDBNull(reader.GetOrdinal("last_error")) ? null : reader.GetString(reader.GetOrdinal("last_error")),
                Time("sent_at"),
                Time("gave_up_at"),
                reader.GetInt32(reader.GetOrdinal("skipped")) != 0));
        }

        return entries;
    }

    private void Execute(string sql, Action<SqliteCommand> bind)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        command.ExecuteNonQuery();
    }
}
