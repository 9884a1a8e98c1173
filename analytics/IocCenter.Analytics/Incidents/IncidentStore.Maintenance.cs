using IocCenter.Analytics.Maintenance;
using Microsoft.Data.Sqlite;

namespace IocCenter.Analytics.Incidents;

/// <summary>One line of a maintenance window's audit trail (set, cancelled).</summary>
public sealed record MaintenanceEvent(long WindowId, DateTimeOffset At, string Actor, string Action, string? Comment);

// Maintenance windows beside the incidents they silence, with their own append-only audit trail.
public sealed partial class IncidentStore
{
    private void CreateMaintenance() => Execute("""
        CREATE TABLE IF NOT EXISTS maintenance_windows (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scope TEXT NOT NULL,
            target TEXT NOT NULL,
            starts_at INTEGER NOT NULL,
            ends_at INTEGER,
            cron TEXT,
            duration_minutes INTEGER,
            reason TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            cancelled_at INTEGER,
            cancelled_by TEXT);
        CREATE TABLE IF NOT EXISTS maintenance_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            window_id INTEGER NOT NULL REFERENCES maintenance_windows(id),
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            comment TEXT);
        CREATE TRIGGER IF NOT EXISTS maintenance_events_append_only_update BEFORE UPDATE ON maintenance_events
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS maintenance_events_append_only_delete BEFORE DELETE ON maintenance_events
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        """);

    /// <summary>Every window, newest first (cancelled and finished ones too: they are the record of planned work).</summary>
    public IReadOnlyList<MaintenanceWindow> MaintenanceWindows()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT id, scope, target, starts_at, ends_at, cron, duration_minutes, reason, created_by, created_at, cancelled_at, cancelled_by FROM maintenance_windows ORDER BY id DESC";
        using var reader = command.ExecuteReader();
        var windows = new List<MaintenanceWindow>();
        while (reader.Read())
        {
            DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i));
            windows.Add(new MaintenanceWindow(
                reader.GetInt64(0),
                Enum.Parse<MaintenanceScope>(reader.GetString(1), ignoreCase: true),
                reader.GetString(2),
                Time(3)!.Value,
                Time(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : TimeSpan.FromMinutes(reader.GetInt32(6)),
                reader.GetString(7),
                reader.GetString(8),
                Time(9)!.Value,
                Time(10),
                reader.IsDBNull(11) ? null : reader.GetString(11)));
        }

        return windows;
    }

    public IReadOnlyList<MaintenanceEvent> MaintenanceEvents(long windowId)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT window_id, at, actor, action, comment FROM maintenance_events WHERE window_id = $id ORDER BY id";
        command.Parameters.AddWithValue("$id", windowId);
        using var reader = command.ExecuteReader();
        var events = new List<MaintenanceEvent>();
        while (reader.Read())
        {
            events.Add(new MaintenanceEvent(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return events;
    }

    /// <summary>Stores a new window with its "set" event; returns it with its id.</summary>
    public MaintenanceWindow InsertMaintenance(MaintenanceWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        using var transaction = _connection.BeginTransaction();
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO maintenance_windows (scope, target, starts_at, ends_at, cron, duration_minutes, reason, created_by, created_at)
            VALUES ($scope, $target, $starts, $ends, $cron, $duration, $reason, $by, $at) RETURNING id
            """;
        command.Parameters.AddWithValue("$scope", window.Scope.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("$target", window.Target);
        command.Parameters.AddWithValue("$starts", window.StartsAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$ends", (object?)window.EndsAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$cron", (object?)window.Cron ?? DBNull.Value);
        command.Parameters.AddWithValue("$duration", (object?)(int?)window.Duration?.TotalMinutes ?? DBNull.Value);
        command.Parameters.AddWithValue("$reason", window.Reason);
        command.Parameters.AddWithValue("$by", window.CreatedBy);
        command.Parameters.AddWithValue("$at", window.CreatedAt.ToUnixTimeMilliseconds());
        var id = (long)command.ExecuteScalar()!;
        AppendMaintenanceEvent(transaction, new MaintenanceEvent(id, window.CreatedAt, window.CreatedBy, "set", window.Reason));
        transaction.Commit();
        return window with { Id = id };
    }

    /// <summary>Ends a window now (it covers nothing from <paramref name="at"/> on), with its "cancelled" event.</summary>
    public void CancelMaintenance(long id, string user, string? comment, DateTimeOffset at)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE maintenance_windows SET cancelled_at = $at, cancelled_by = $by WHERE id = $id AND cancelled_at IS NULL";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$by", user);
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        if (command.ExecuteNonQuery() == 1)
        {
            AppendMaintenanceEvent(transaction, new MaintenanceEvent(id, at, user, "cancelled", comment));
        }

        transaction.Commit();
    }

    private void AppendMaintenanceEvent(SqliteTransaction transaction, MaintenanceEvent e)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO maintenance_events (window_id, at, actor, action, comment) VALUES ($id, $at, $actor, $action, $comment)";
        command.Parameters.AddWithValue("$id", e.WindowId);
        command.Parameters.AddWithValue("$at", e.At.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$actor", e.Actor);
        command.Parameters.AddWithValue("$action", e.Action);
        command.Parameters.AddWithValue("$comment", (object?)e.Comment ?? DBNull.Value);
        command.ExecuteNonQuery();
    }
}
