using System.Text.Json;
using IocCenter.Analytics.Notifications;
using Microsoft.Data.Sqlite;

namespace IocCenter.Analytics.Incidents;

/// <summary>
/// Incidents and their audit trail in SQLite (WAL, synchronous=FULL: an officer's acknowledgement is on disk
/// when the call returns). The audit table refuses UPDATE and DELETE; at most one unresolved incident exists per
/// (kind, subject). One writer at a time: <see cref="IncidentService"/>.
/// </summary>
public sealed partial class IncidentStore : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SqliteConnection _connection;

    public IncidentStore(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA foreign_keys = ON;
            CREATE TABLE IF NOT EXISTS incidents (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                device_id TEXT,
                area TEXT,
                severity INTEGER NOT NULL,
                state TEXT NOT NULL,
                active INTEGER NOT NULL,
                opened_at INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL,
                cleared_at INTEGER,
                acknowledged_at INTEGER,
                acknowledged_by TEXT,
                resolved_at INTEGER,
                resolved_by TEXT,
                parent_id INTEGER REFERENCES incidents(id),
                occurrences INTEGER NOT NULL,
                reopen_count INTEGER NOT NULL,
                evidence TEXT NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS incidents_one_unresolved ON incidents(kind, subject) WHERE state <> 'resolved';
            CREATE INDEX IF NOT EXISTS incidents_by_subject ON incidents(kind, subject, resolved_at);
            CREATE TABLE IF NOT EXISTS incident_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                incident_id INTEGER NOT NULL REFERENCES incidents(id),
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                from_state TEXT,
                to_state TEXT NOT NULL,
                comment TEXT);
            CREATE INDEX IF NOT EXISTS incident_events_by_incident ON incident_events(incident_id, id);
            CREATE TRIGGER IF NOT EXISTS incident_events_append_only_update BEFORE UPDATE ON incident_events
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            CREATE TRIGGER IF NOT EXISTS incident_events_append_only_delete BEFORE DELETE ON incident_events
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            """);
        AddColumnIfMissing("incidents", "agency", "TEXT");
        AddColumnIfMissing("incidents", "assignee", "TEXT");
        AddColumnIfMissing("incidents", "maintenance_id", "INTEGER");
        AddColumnIfMissing("incidents", "attention_since", "INTEGER");
        CreateOutbox();
        CreateMaintenance();
    }

    /// <summary>A database written by an older version gains the newer columns (empty) at start.</summary>
    private void AddColumnIfMissing(string table, string column, string type)
    {
        using var check = _connection.CreateCommand();
        check.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        if ((long)check.ExecuteScalar()! == 0)
        {
            Execute($"ALTER TABLE {table} ADD COLUMN {column} {type}");
        }
    }

    /// <summary>Every incident, oldest first.</summary>
    public IReadOnlyList<Incident> All() => Query("SELECT * FROM incidents ORDER BY id", null);

    /// <summary>Every incident not yet resolved: what a restart must bring back.</summary>
    public IReadOnlyList<Incident> Unresolved() => Query("SELECT * FROM incidents WHERE state <> 'resolved' ORDER BY id", null);

    /// <summary>The newest resolved incident of a subject, for reopening within the cool-down.</summary>
    public Incident? LastResolved(IncidentKind kind, string subject) =>
        Query("SELECT * FROM incidents WHERE kind = $kind AND subject = $subject AND state = 'resolved' ORDER BY resolved_at DESC LIMIT 1", c =>
        {
            c.Parameters.AddWithValue("$kind", kind.Code());
            c.Parameters.AddWithValue("$subject", subject);
        }).FirstOrDefault();

    /// <summary>The newest incidents (any state), newest first.</summary>
    public IReadOnlyList<Incident> Recent(int limit) =>
        Query("SELECT * FROM incidents ORDER BY id DESC LIMIT $n", c => c.Parameters.AddWithValue("$n", limit));

    public Incident? Find(long id) => Query("SELECT * FROM incidents WHERE id = $id", c => c.Parameters.AddWithValue("$id", id)).FirstOrDefault();

    public IReadOnlyList<IncidentEvent> Events(long incidentId)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT incident_id, at, actor, action, from_state, to_state, comment FROM incident_events WHERE incident_id = $id ORDER BY id";
        command.Parameters.AddWithValue("$id", incidentId);
        using var reader = command.ExecuteReader();
        var events = new List<IncidentEvent>();
        while (reader.Read())
        {
            events.Add(new IncidentEvent(
                reader.GetInt64(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : IncidentCodes.ParseState(reader.GetString(4)),
                IncidentCodes.ParseState(reader.GetString(5)),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return events;
    }

    /// <summary>Inserts a new incident with its first event; returns it with its id.</summary>
    /// <param name="hold">Messages wait this long before their first attempt (a condition that clears at once tells nobody).</param>
    public Incident Insert(Incident incident, Func<long, IncidentEvent> firstEvent, Func<Incident, IReadOnlyList<Notification>>? notifications = null, TimeSpan hold = default)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(firstEvent);
        using var transaction = _connection.BeginTransaction();
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO incidents (kind, subject, device_id, area, severity, state, active, opened_at, last_seen_at, cleared_at,
                acknowledged_at, acknowledged_by, resolved_at, resolved_by, parent_id, occurrences, reopen_count, evidence,
                agency, assignee, maintenance_id, attention_since)
            VALUES ($kind, $subject, $device, $area, $severity, $state, $active, $opened, $seen, $cleared,
                $acked, $acked_by, $resolved, $resolved_by, $parent, $occurrences, $reopens, $evidence,
                $agency, $assignee, $maintenance, $attention)
            RETURNING id
            """;
        Bind(command, incident);
        var id = (long)command.ExecuteScalar()!;
        AppendEvent(transaction, firstEvent(id));
        var stored = incident with { Id = id };
        if (notifications is not null)
        {
            Enqueue(transaction, notifications(stored), incident.OpenedAt, hold);
        }

        transaction.Commit();
        return stored;
    }

    /// <summary>
    /// Saves an incident's new state, its events and the notifications it decided in one transaction. With a
    /// <paramref name="decision"/> key, does nothing and returns false when that decision was already taken (an
    /// escalation step decided before a restart is not decided again).
    /// </summary>
    public bool Update(Incident incident, IEnumerable<IncidentEvent> events, IReadOnlyList<Notification>? notifications = null, string? decision = null, TimeSpan hold = default)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(events);
        using var transaction = _connection.BeginTransaction();
        if (decision is not null && !Decide(transaction, decision, incident.Id, incident.LastSeenAt))
        {
            transaction.Rollback();
            return false;
        }

        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE incidents SET kind = $kind, subject = $subject, device_id = $device, area = $area, severity = $severity,
                state = $state, active = $active, opened_at = $opened, last_seen_at = $seen, cleared_at = $cleared,
                acknowledged_at = $acked, acknowledged_by = $acked_by, resolved_at = $resolved, resolved_by = $resolved_by,
                parent_id = $parent, occurrences = $occurrences, reopen_count = $reopens, evidence = $evidence,
                agency = $agency, assignee = $assignee, maintenance_id = $maintenance, attention_since = $attention
            WHERE id = $id
            """;
        Bind(command, incident);
        command.Parameters.AddWithValue("$id", incident.Id);
        command.ExecuteNonQuery();
        foreach (var e in events)
        {
            AppendEvent(transaction, e);
        }

        if (notifications is { Count: > 0 })
        {
            Enqueue(transaction, notifications, incident.LastSeenAt, hold);
        }

        transaction.Commit();
        return true;
    }

    public void Dispose() => _connection.Dispose();

    private void AppendEvent(SqliteTransaction transaction, IncidentEvent e)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO incident_events (incident_id, at, actor, action, from_state, to_state, comment) VALUES ($id, $at, $actor, $action, $from, $to, $comment)";
        command.Parameters.AddWithValue("$id", e.IncidentId);
        command.Parameters.AddWithValue("$at", e.At.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$actor", e.Actor);
        command.Parameters.AddWithValue("$action", e.Action);
        command.Parameters.AddWithValue("$from", (object?)e.From?.Code() ?? DBNull.Value);
        command.Parameters.AddWithValue("$to", e.To.Code());
        command.Parameters.AddWithValue("$comment", (object?)e.Comment ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static void Bind(SqliteCommand command, Incident i)
    {
        static object Nullable<T>(T? value) => value is null ? DBNull.Value : value;
        command.Parameters.AddWithValue("$kind", i.Kind.Code());
        command.Parameters.AddWithValue("$subject", i.Subject);
        command.Parameters.AddWithValue("$device", Nullable(i.DeviceId));
        command.Parameters.AddWithValue("$area", Nullable(i.Area));
        command.Parameters.AddWithValue("$severity", (int)i.Severity);
        command.Parameters.AddWithValue("$state", i.State.Code());
        command.Parameters.AddWithValue("$active", i.Active ? 1 : 0);
        command.Parameters.AddWithValue("$opened", i.OpenedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$seen", i.LastSeenAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$cleared", Nullable(i.ClearedAt?.ToUnixTimeMilliseconds()));
        command.Parameters.AddWithValue("$acked", Nullable(i.AcknowledgedAt?.ToUnixTimeMilliseconds()));
        command.Parameters.AddWithValue("$acked_by", Nullable(i.AcknowledgedBy));
        command.Parameters.AddWithValue("$resolved", Nullable(i.ResolvedAt?.ToUnixTimeMilliseconds()));
        command.Parameters.AddWithValue("$resolved_by", Nullable(i.ResolvedBy));
        command.Parameters.AddWithValue("$parent", Nullable(i.ParentId));
        command.Parameters.AddWithValue("$occurrences", i.Occurrences);
        command.Parameters.AddWithValue("$reopens", i.ReopenCount);
        command.Parameters.AddWithValue("$evidence", JsonSerializer.Serialize(i.Evidence, Json));
        command.Parameters.AddWithValue("$agency", Nullable(i.Agency));
        command.Parameters.AddWithValue("$assignee", Nullable(i.Assignee));
        command.Parameters.AddWithValue("$maintenance", Nullable(i.MaintenanceId));
        command.Parameters.AddWithValue("$attention", Nullable(i.AttentionSince?.ToUnixTimeMilliseconds()));
    }

    private List<Incident> Query(string sql, Action<SqliteCommand>? bind)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        bind?.Invoke(command);
        using var reader = command.ExecuteReader();
        var incidents = new List<Incident>();
        while (reader.Read())
        {
            DateTimeOffset? Time(string column) => reader.IsDBNull(reader.GetOrdinal(column)) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(reader.GetOrdinal(column)));
            string? Text(string column) => reader.IsDBNull(reader.GetOrdinal(column)) ? null : reader.GetString(reader.GetOrdinal(column));
            incidents.Add(new Incident(
                reader.GetInt64(reader.GetOrdinal("id")),
                IncidentCodes.ParseKind(reader.GetString(reader.GetOrdinal("kind"))),
                reader.GetString(reader.GetOrdinal("subject")),
                Text("device_id"),
                Text("area"),
                (Severity)reader.GetInt32(reader.GetOrdinal("severity")),
                IncidentCodes.ParseState(reader.GetString(reader.GetOrdinal("state"))),
                reader.GetInt32(reader.GetOrdinal("active")) != 0,
                Time("opened_at")!.Value,
                Time("last_seen_at")!.Value,
                Time("cleared_at"),
                Time("acknowledged_at"),
                Text("acknowledged_by"),
                Time("resolved_at"),
                Text("resolved_by"),
                reader.IsDBNull(reader.GetOrdinal("parent_id")) ? null : reader.GetInt64(reader.GetOrdinal("parent_id")),
                reader.GetInt32(reader.GetOrdinal("occurrences")),
                reader.GetInt32(reader.GetOrdinal("reopen_count")),
                JsonSerializer.Deserialize<Evidence>(reader.GetString(reader.GetOrdinal("evidence")), Json)!,
                Text("agency"),
                Text("assignee"),
                reader.IsDBNull(reader.GetOrdinal("maintenance_id")) ? null : reader.GetInt64(reader.GetOrdinal("maintenance_id")),
                Time("attention_since")));
        }

        return incidents;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
