using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace IocCenter.Storage.Influx;

/// <summary>
/// InfluxDB's HTTP API, spoken directly (no client library is served here): <c>/ping</c>, <c>/write</c>
/// with line protocol at millisecond precision, <c>/query</c> with InfluxQL. Thread-safe.
/// </summary>
public sealed class InfluxHttpClient : ITelemetryStore
{
    private readonly HttpClient _http;
    private readonly InfluxOptions _options;
    private readonly string _writePath;

    public InfluxHttpClient(HttpClient http, InfluxOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options;
        _http.BaseAddress ??= options.Url ?? throw new ArgumentException("Influx:Url is not set.", nameof(options));
        _http.Timeout = options.RequestTimeout;
        if (!string.IsNullOrEmpty(options.Token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", options.Token);
        }
        else if (!string.IsNullOrEmpty(options.Username))
        {
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}"));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);
        }

        _writePath = "write?db=" + Uri.EscapeDataString(options.Database) + "&precision=ms";
    }

    public string Database => _options.Database;

    public string Description => $"InfluxDB {_options.Url} (database {_options.Database})";

    public Task CreateAsync(CancellationToken cancellationToken) => CreateDatabaseAsync(cancellationToken);

    /// <summary>True when InfluxDB answers <c>/ping</c>.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("ping", UriKind.Relative), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            return false;
        }
    }

    /// <summary>Writes newline-separated line-protocol points.</summary>
    public async Task<TelemetryWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken)
    {
        try
        {
            using HttpContent content = _options.Gzip ? Compress(lines.Span) : new ReadOnlyMemoryContent(lines);
            using var response = await _http.PostAsync(new Uri(_writePath, UriKind.Relative), content, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return new TelemetryWriteResult(TelemetryWriteOutcome.Written, response.StatusCode, null);
            }

            var message = await ReadErrorAsync(response, cancellationToken);
            return new TelemetryWriteResult(Classify(response.StatusCode, message), response.StatusCode, message);
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            return new TelemetryWriteResult(TelemetryWriteOutcome.Transient, null, e.GetBaseException().Message);
        }
    }

    /// <summary>Runs InfluxQL against the database; times come back as epoch milliseconds.</summary>
    public async Task<IReadOnlyList<InfluxSeries>> QueryAsync(string influxQl, CancellationToken cancellationToken)
    {
        var uri = new Uri("query?db=" + Uri.EscapeDataString(_options.Database) + "&epoch=ms", UriKind.Relative);
        using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("q", influxQl)]);
        using var response = await _http.PostAsync(uri, content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InfluxQueryException($"InfluxDB answered {(int)response.StatusCode} to '{influxQl}': {body}");
        }

        return ParseQueryResult(influxQl, body);
    }

    /// <summary><c>CREATE DATABASE</c>; idempotent on InfluxDB.</summary>
    public Task CreateDatabaseAsync(CancellationToken cancellationToken) =>
        QueryAsync("CREATE DATABASE \"" + _options.Database + "\"", cancellationToken);

    internal static TelemetryWriteOutcome Classify(HttpStatusCode status, string? message)
    {
        var code = (int)status;
        if (code == 429 || code >= 500)
        {
            return TelemetryWriteOutcome.Transient;
        }

        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return TelemetryWriteOutcome.Unauthorized;
        }

        if (status == HttpStatusCode.RequestEntityTooLarge)
        {
            return TelemetryWriteOutcome.TooLarge;
        }

        if (status == HttpStatusCode.NotFound || (message?.Contains("database not found", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return TelemetryWriteOutcome.DatabaseNotFound;
        }

        return TelemetryWriteOutcome.Rejected;
    }

    private static ByteArrayContent Compress(ReadOnlySpan<byte> lines)
    {
        var buffer = new MemoryStream(lines.Length / 4 + 256);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(lines);
        }

        var content = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length);
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error))
            {
                return error.GetString() ?? body;
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): the body itself is the message.
        }

        return body.Length > 1000 ? body[..1000] : body;
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested &&
        e is HttpRequestException or TaskCanceledException or TimeoutException or SocketException or IOException;

    private static List<InfluxSeries> ParseQueryResult(string influxQl, string body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        if (root.TryGetProperty("error", out var topError))
        {
            throw new InfluxQueryException($"'{influxQl}': {topError.GetString()}");
        }

        var series = new List<InfluxSeries>();
        foreach (var result in root.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                throw new InfluxQueryException($"'{influxQl}': {error.GetString()}");
            }

            if (!result.TryGetProperty("series", out var seriesArray))
            {
                continue;
            }

            foreach (var s in seriesArray.EnumerateArray())
            {
                var tags = new Dictionary<string, string>(StringComparer.Ordinal);
                if (s.TryGetProperty("tags", out var tagObject))
                {
                    foreach (var tag in tagObject.EnumerateObject())
                    {
                        tags[tag.Name] = tag.Value.GetString() ?? string.Empty;
                    }
                }

                var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString() ?? string.Empty).ToArray();
                var rows = new List<object?[]>();
                if (s.TryGetProperty("values", out var values))
                {
                    foreach (var row in values.EnumerateArray())
                    {
                        rows.Add(row.EnumerateArray().Select(Scalar).ToArray());
                    }
                }

                series.Add(new InfluxSeries(s.TryGetProperty("name", out var name) ? name.GetString() ?? string.Empty : string.Empty, tags, columns, rows));
            }
        }

        return series;
    }

    private static object? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var l) => l,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
