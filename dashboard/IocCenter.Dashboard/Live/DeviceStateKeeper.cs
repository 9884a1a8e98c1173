using System.Text.Json;
using IocCenter.Analytics.AirQuality;
using IocCenter.Analytics.Incidents;
using IocCenter.Storage.Sqlite;
using IocCenter.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace IocCenter.Dashboard.Live;

/// <summary>What the screens last knew of one device, as saved across restarts.</summary>
public sealed record SavedDeviceState(
    string Id,
    TelemetryDomain Domain,
    string? Area,
    string? Name,
    double? Latitude,
    double? Longitude,
    bool? StatusOnline,
    long? LastMs,
    IReadOnlyDictionary<string, double> Values,
    int? Aqi,
    AqiPollutant? AqiDominant,
    long? HeardMs = null);

/// <summary>The saved device states: one row per device in a SQLite file (WAL, synchronous=FULL), upserted.</summary>
public sealed class DeviceStateStore : IDisposable
{
    private static readonly string[] ParameterNames = ["$id", "$domain", "$area", "$name", "$lat", "$lon", "$online", "$last", "$values", "$aqi", "$dominant", "$heard"];
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private bool _disposed;

    public DeviceStateStore(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connection = SqliteConnections.OpenDurable(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        using var command = _connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS device_state (
                id TEXT PRIMARY KEY,
                domain TEXT NOT NULL,
                area TEXT, name TEXT, latitude REAL, longitude REAL,
                status_online INTEGER, last_ms INTEGER,
                metric_values TEXT NOT NULL,
                aqi INTEGER, aqi_dominant TEXT);
            """;
        command.ExecuteNonQuery();

        // Files written before devices were forgotten have no heard_ms: added in place (NULL = not known).
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('device_state') WHERE name = 'heard_ms'";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            command.CommandText = "ALTER TABLE device_state ADD COLUMN heard_ms INTEGER";
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Deletes the saved states of removed or forgotten devices.</summary>
    public void Delete(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return; // the host is stopping: its last save ran in the keeper's StopAsync
            }

            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM device_state WHERE id = $id";
            var id = command.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
            foreach (var deviceId in ids)
            {
                id.Value = deviceId;
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    public void Save(IReadOnlyList<SavedDeviceState> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return; // the host is stopping: its last save ran in the keeper's StopAsync
            }

            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO device_state (id, domain, area, name, latitude, longitude, status_online, last_ms, metric_values, aqi, aqi_dominant, heard_ms)
                VALUES ($id, $domain, $area, $name, $lat, $lon, $online, $last, $values, $aqi, $dominant, $heard)
                ON CONFLICT (id) DO UPDATE SET domain = excluded.domain, area = excluded.area, name = excluded.name,
                    latitude = excluded.latitude, longitude = excluded.longitude, status_online = excluded.status_online,
                    last_ms = excluded.last_ms, metric_values = excluded.metric_values, aqi = excluded.aqi, aqi_dominant = excluded.aqi_dominant, heard_ms = excluded.heard_ms
                """;
            var parameters = ParameterNames.Select(n => command.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
            foreach (var d in devices)
            {
                object?[] values =
                [
                    d.Id, d.Domain.Name(), d.Area, d.Name, d.Latitude, d.Longitude, d.StatusOnline is { } online ? (online ? 1 : 0) : null,
                    d.LastMs, JsonSerializer.Serialize(d.Values), d.Aqi, d.AqiDominant?.ToString(), d.HeardMs,
                ];
                for (var i = 0; i < values.Length; i++)
                {
                    parameters[i].Value = values[i] ?? DBNull.Value;
                }

                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    public IReadOnlyList<SavedDeviceState> Load()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT id, domain, area, name, latitude, longitude, status_online, last_ms, metric_values, aqi, aqi_dominant, heard_ms FROM device_state";
            using var reader = command.ExecuteReader();
            var devices = new List<SavedDeviceState>();
            while (reader.Read())
            {
                if (!TelemetryDomains.TryParse(reader.GetString(1), out var domain))
                {
                    continue; // written by a version with another domain: that device reports again soon
                }

                devices.Add(new SavedDeviceState(
                    reader.GetString(0),
                    domain,
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetDouble(4),
                    reader.IsDBNull(5) ? null : reader.GetDouble(5),
                    reader.IsDBNull(6) ? null : reader.GetInt64(6) != 0,
                    reader.IsDBNull(7) ? null : reader.GetInt64(7),
                    JsonSerializer.Deserialize<Dictionary<string, double>>(reader.GetString(8)) ?? [],
                    reader.IsDBNull(9) ? null : reader.GetInt32(9),
                    reader.IsDBNull(10) ? null : Enum.Parse<AqiPollutant>(reader.GetString(10)),
                    reader.IsDBNull(11) ? null : reader.GetInt64(11)));
            }

            return devices;
        }
    }

    /// <summary>
    /// Under the same lock as the writes: a save still running on the keeper's timer when the host disposed its services
    /// (its stop had timed out) had the connection closed under its transaction, and Dispose threw "cannot rollback -
    /// no transaction is active" (seen once in a clean-clone CI run).
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _connection.Dispose();
        }
    }
}

/// <summary>
/// Keeps the screens' device states across restarts: restores them before the screens are served, saves what changed
/// every <see cref="AllInOneOptions.DeviceStateSaveInterval"/> and once more on a graceful stop. After a crash at most
/// one interval of changes is missing, and those devices correct themselves with their next report.
/// </summary>
/// <remarks>
/// Devices forgotten by the live state (never registered, silent for <see cref="WallDevicesOptions.ForgetUnregisteredAfter"/>)
/// also have their unresolved incidents resolved here, by the system, when the incident writer runs in this process.
/// </remarks>
internal sealed partial class DeviceStateKeeper(LiveState state, DeviceStateStore store, IOptions<AllInOneOptions> options, TimeProvider time, ILogger<DeviceStateKeeper> logger, IncidentService? writer = null) : BackgroundService
{
    private const string ForgottenComment = "thiết bị không có trong danh mục, im lặng quá lâu nên đã được bỏ khỏi màn hình / not in the registry and silent too long: forgotten";

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var saved = store.Load();
        state.Restore(saved);
        LogRestored(logger, saved.Count);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Save();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DeviceStateSaveInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Save();
                await CloseForgottenAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The final save is in StopAsync.
        }
    }

    private async Task CloseForgottenAsync()
    {
        var forgotten = state.TakeForgotten();
        if (forgotten.Count == 0)
        {
            return;
        }

        var resolved = writer is null ? 0 : await writer.ResolveRemovedDevicesAsync(forgotten, IncidentLifecycle.System, ForgottenComment);

        LogForgotten(logger, forgotten.Count, resolved);
    }

    private void Save()
    {
        var removed = state.TakeRemoved();
        try
        {
            store.Delete(removed);
            if (removed.Count > 0)
            {
                LogRemoved(logger, removed.Count);
            }
        }
        catch (SqliteException e)
        {
            // Restored at the next start and forgotten or removed again then; a removed registered device comes back.
            LogSaveFailed(logger, e.Message);
        }

        var changed = state.TakeUnsaved();
        try
        {
            store.Save(changed);
        }
        catch (SqliteException e)
        {
            // The disk is full or failing: the screens keep working, and these devices are saved at the next interval.
            state.MarkUnsaved(changed.Select(d => d.Id));
            LogSaveFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Đã khôi phục trạng thái {Count} thiết bị / Restored the state of {Count} devices")]
    private static partial void LogRestored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Đã bỏ {Count} thiết bị không có trong danh mục và im lặng quá lâu, đóng {Resolved} sự cố / Forgot {Count} unregistered devices silent too long; {Resolved} incidents resolved")]
    private static partial void LogForgotten(ILogger logger, int count, int resolved);

    [LoggerMessage(Level = LogLevel.Information, Message = "Đã xoá trạng thái đã lưu của {Count} thiết bị bị gỡ hoặc im lặng quá lâu / Deleted the saved state of {Count} removed or long-silent devices")]
    private static partial void LogRemoved(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Không lưu được trạng thái thiết bị / Could not save device states: {Error}")]
    private static partial void LogSaveFailed(ILogger logger, string error);
}
