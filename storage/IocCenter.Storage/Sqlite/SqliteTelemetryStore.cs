using System.Text.Json;
using IocCenter.LineProtocol;
using IocCenter.Telemetry;
using Microsoft.Data.Sqlite;

namespace IocCenter.Storage.Sqlite;

/// <summary>
/// The embedded telemetry store of the all-in-one host: one SQLite file (WAL, <c>synchronous=FULL</c>, so a write
/// that returned is on disk). It takes the same line protocol as InfluxDB and keeps InfluxDB's point identity:
/// one row per (measurement, device, time); writing the same point again merges its fields, later values winning.
/// Tags other than <c>device</c> and <c>area</c> are kept as JSON. A batch is one transaction: all of it or
/// nothing, and a line that does not parse refuses the batch with its line number (the drain then isolates it).
/// </summary>
public sealed class SqliteTelemetryStore : ITelemetryStore, ITelemetryHistory, IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private bool _created;

    public SqliteTelemetryStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true }.ToString();
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
    }

    public string Path { get; }

    public string Description => $"SQLite {Path}";

    public Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            return Task.FromResult(command.ExecuteScalar() is 1L);
        }
        catch (SqliteException)
        {
            return Task.FromResult(false);
        }
    }

    public Task CreateAsync(CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS points (
                measurement TEXT NOT NULL,
                device      TEXT NOT NULL,
                time_ms     INTEGER NOT NULL,
                area        TEXT,
                tags        TEXT,
                fields      TEXT NOT NULL,
                PRIMARY KEY (measurement, device, time_ms)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS points_by_time ON points (measurement, time_ms);
            """;
        command.ExecuteNonQuery();
        _created = true;
        return Task.CompletedTask;
    }

    public async Task<TelemetryWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken)
    {
        var points = new List<LinePoint>();
        if (!LineProtocolReader.TryReadAll(lines.Span, points, out var error))
        {
            return new TelemetryWriteResult(TelemetryWriteOutcome.Rejected, null, error);
        }

        if (points.FirstOrDefault(p => string.IsNullOrEmpty(p.Tag("device"))) is { } untagged)
        {
            return new TelemetryWriteResult(TelemetryWriteOutcome.Rejected, null, $"a point of '{untagged.Measurement}' has no device tag");
        }

        await _writer.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await CreateAsync(cancellationToken);
            }

            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO points (measurement, device, time_ms, area, tags, fields) VALUES ($m, $d, $t, $a, $tags, $f)
                ON CONFLICT (measurement, device, time_ms) DO UPDATE SET
                    fields = json_patch(fields, excluded.fields),
                    area = coalesce(excluded.area, area),
                    tags = coalesce(excluded.tags, tags)
                """;
            var measurement = command.Parameters.Add("$m", SqliteType.Text);
            var device = command.Parameters.Add("$d", SqliteType.Text);
            var time = command.Parameters.Add("$t", SqliteType.Integer);
            var area = command.Parameters.Add("$a", SqliteType.Text);
            var tags = command.Parameters.Add("$tags", SqliteType.Text);
            var fields = command.Parameters.Add("$f", SqliteType.Text);
            foreach (var point in points)
            {
                measurement.Value = point.Measurement;
                device.Value = point.Tag("device");
                time.Value = point.TimestampMs;
                area.Value = (object?)point.Tag("area") ?? DBNull.Value;
                var others = point.Tags.Where(t => t.Key is not "device" and not "area").ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
                tags.Value = others.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(others);
                fields.Value = Fields(point.Fields);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            return new TelemetryWriteResult(TelemetryWriteOutcome.Written, null, null);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 or 10 or 13)
        {
            // Busy, locked, I/O error, disk full: worth retrying; the points stay in the journal.
            return new TelemetryWriteResult(TelemetryWriteOutcome.Transient, null, e.Message);
        }
        finally
        {
            _writer.Release();
        }
    }

    public Task<IReadOnlyList<HistoryReading>> ReadAsync(TelemetryDomain domain, DateTimeOffset since, DateTimeOffset until, int maxDevices, int maxPerDevice, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDevices);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPerDevice);
        var readings = new List<HistoryReading>();
        if (!File.Exists(Path))
        {
            return Task.FromResult<IReadOnlyList<HistoryReading>>(readings);
        }

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            WITH devices AS (
                SELECT DISTINCT device FROM points WHERE measurement = $m AND time_ms >= $since AND time_ms < $until ORDER BY device LIMIT $devices),
            ranked AS (
                SELECT p.device, p.time_ms, p.fields, row_number() OVER (PARTITION BY p.device ORDER BY p.time_ms DESC) AS n
                FROM points p JOIN devices d ON d.device = p.device
                WHERE p.measurement = $m AND p.time_ms >= $since AND p.time_ms < $until)
            SELECT device, time_ms, fields FROM ranked WHERE n <= $per ORDER BY device, time_ms
            """;
        command.Parameters.AddWithValue("$m", domain.Name());
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$devices", maxDevices);
        command.Parameters.AddWithValue("$per", maxPerDevice);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            readings.Add(new HistoryReading(reader.GetString(0), reader.GetInt64(1), ParseFields(reader.GetString(2))));
        }

        return Task.FromResult<IReadOnlyList<HistoryReading>>(readings);
    }

    public Task<IReadOnlyList<SeriesPoint>> SeriesAsync(TelemetryDomain domain, string deviceId, string metric, DateTimeOffset since, DateTimeOffset until, TimeSpan bucket, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentException.ThrowIfNullOrEmpty(metric);
        var points = new List<SeriesPoint>();
        if (!File.Exists(Path))
        {
            return Task.FromResult<IReadOnlyList<SeriesPoint>>(points);
        }

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (time_ms / $b) * $b AS start, avg(v), min(v), max(v) FROM (
                SELECT time_ms, json_extract(fields, $path) AS v FROM points
                WHERE measurement = $m AND device = $d AND time_ms >= $since AND time_ms < $until)
            WHERE v IS NOT NULL GROUP BY start ORDER BY start
            """;
        command.Parameters.AddWithValue("$b", Math.Max(1, (long)bucket.TotalMilliseconds));
        command.Parameters.AddWithValue("$path", "$.\"" + metric.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"");
        command.Parameters.AddWithValue("$m", domain.Name());
        command.Parameters.AddWithValue("$d", deviceId);
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            points.Add(new SeriesPoint(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3)));
        }

        return Task.FromResult<IReadOnlyList<SeriesPoint>>(points);
    }

    public void Dispose() => _writer.Dispose();

    private SqliteConnection Open() => SqliteConnections.OpenDurable(_connectionString);

    /// <summary>Fields as a JSON object; an integer metric is written as a whole number, so it reads back as one.</summary>
    private static string Fields(IReadOnlyList<MetricValue> fields)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var field in fields)
            {
                if (field.IsInteger)
                {
                    json.WriteNumber(field.Name, (long)field.Value);
                }
                else
                {
                    json.WriteNumber(field.Name, field.Value);
                }
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static MetricValue[] ParseFields(string json)
    {
        using var document = JsonDocument.Parse(json);
        var metrics = new List<MetricValue>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Number)
            {
                var integer = property.Value.TryGetInt64(out var whole) && !property.Value.GetRawText().Contains('.', StringComparison.Ordinal) && !property.Value.GetRawText().Contains('E', StringComparison.OrdinalIgnoreCase);
                metrics.Add(new MetricValue(property.Name, integer ? whole : property.Value.GetDouble(), integer));
            }
        }

        return [.. metrics];
    }
}
