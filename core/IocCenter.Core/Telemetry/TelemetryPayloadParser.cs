using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace IocCenter.Telemetry;

/// <summary>
/// Parses and validates a v1 telemetry payload with <see cref="Utf8JsonReader"/>: no DOM, no strings for
/// known metric names. Not thread-safe: one parser per consuming loop.
/// </summary>
public sealed class TelemetryPayloadParser(ContractLimits limits, NamePool metricNames)
{
    private const int MaxTimestampChars = 64;

    // A metric name is at most 64 chars; in JSON each may be escaped as \uXXXX (6 bytes).
    private const int MaxEscapedNameBytes = MetricCatalog.MaxNameLength * 6;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        MaxDepth = 8,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    public TelemetryPayloadParser(ContractLimits limits)
        : this(limits, new NamePool(10_000))
    {
    }

    /// <summary>Fills <paramref name="batch"/> or returns why the whole message is rejected (then the batch is empty).</summary>
    /// <param name="receivedMs">Time received, epoch ms: the timestamp of readings without <c>ts</c> and "now" for range checks.</param>
    public RejectReason Parse(in ReadOnlySequence<byte> payload, long receivedMs, TelemetryBatch batch, out string? detail)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.Clear();
        detail = null;
        if (payload.IsEmpty)
        {
            return RejectReason.PayloadEmpty;
        }

        if (payload.Length > limits.MaxPayloadBytes)
        {
            detail = string.Create(CultureInfo.InvariantCulture, $"{payload.Length} bytes, limit {limits.MaxPayloadBytes}");
            return RejectReason.PayloadTooLarge;
        }

        if (!IsValidUtf8(payload))
        {
            return RejectReason.PayloadNotUtf8;
        }

        var reader = new Utf8JsonReader(payload, ReaderOptions);
        RejectReason result;
        try
        {
            result = ParseRoot(ref reader, receivedMs, batch, out detail);
            if (result == RejectReason.None && reader.Read())
            {
                result = RejectReason.JsonInvalid;
                detail = "content after the JSON value";
            }
        }
        catch (JsonException e)
        {
            // Utf8JsonReader has no Try-API for malformed input; this is the single boundary where it is turned into a reason.
            result = RejectReason.JsonInvalid;
            detail = e.Message;
        }

        if (result != RejectReason.None)
        {
            batch.Clear();
        }

        return result;
    }

    private static bool IsValidUtf8(in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            return Utf8.IsValid(payload.FirstSpan);
        }

        var length = checked((int)payload.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            payload.CopyTo(rented);
            return Utf8.IsValid(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private RejectReason ParseRoot(ref Utf8JsonReader reader, long receivedMs, TelemetryBatch batch, out string? detail)
    {
        detail = null;
        if (!reader.Read())
        {
            detail = "no JSON value";
            return RejectReason.JsonInvalid;
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return ParseReading(ref reader, receivedMs, batch, out detail);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            detail = "expected an object or an array of objects, got " + reader.TokenType;
            return RejectReason.PayloadNotObject;
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (index == limits.MaxBatchLength)
            {
                detail = string.Create(CultureInfo.InvariantCulture, $"more than {limits.MaxBatchLength} readings");
                return RejectReason.BatchTooLarge;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                detail = string.Create(CultureInfo.InvariantCulture, $"[{index}] is {reader.TokenType}, not an object");
                return RejectReason.PayloadNotObject;
            }

            var result = ParseReading(ref reader, receivedMs, batch, out detail);
            if (result != RejectReason.None)
            {
                detail = string.Create(CultureInfo.InvariantCulture, $"[{index}] {detail}");
                return result;
            }

            index++;
        }

        if (index == 0)
        {
            detail = "empty array";
            return RejectReason.BatchEmpty;
        }

        return RejectReason.None;
    }

    private RejectReason ParseReading(ref Utf8JsonReader reader, long receivedMs, TelemetryBatch batch, out string? detail)
    {
        detail = null;
        var seenTs = false;
        var seenMetrics = false;
        var timestampMs = receivedMs;
        var metricStart = batch.MetricCount;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("ts"u8))
            {
                if (seenTs)
                {
                    detail = "ts";
                    return RejectReason.DuplicateKey;
                }

                seenTs = true;
                reader.Read();
                var result = ReadTimestamp(ref reader, receivedMs, ref timestampMs, out detail);
                if (result != RejectReason.None)
                {
                    return result;
                }
            }
            else if (reader.ValueTextEquals("metrics"u8))
            {
                if (seenMetrics)
                {
                    detail = "metrics";
                    return RejectReason.DuplicateKey;
                }

                seenMetrics = true;
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    detail = "metrics is " + reader.TokenType + ", not an object";
                    return RejectReason.MetricsMissing;
                }

                var result = ParseMetrics(ref reader, batch, metricStart, out detail);
                if (result != RejectReason.None)
                {
                    return result;
                }
            }
            else
            {
                // Unknown members are ignored so that devices can add fields before ingest knows them.
                reader.Read();
                reader.Skip();
            }
        }

        if (!seenMetrics)
        {
            return RejectReason.MetricsMissing;
        }

        batch.AddReading(timestampMs, metricStart);
        return RejectReason.None;
    }

    private RejectReason ReadTimestamp(ref Utf8JsonReader reader, long receivedMs, ref long timestampMs, out string? detail)
    {
        detail = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return RejectReason.None;
            case JsonTokenType.Number when reader.TryGetInt64(out var epochMs):
                timestampMs = epochMs;
                break;
            case JsonTokenType.String:
                var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
                if (length > MaxTimestampChars * 6)
                {
                    detail = "ts too long";
                    return RejectReason.TimestampInvalid;
                }

                Span<char> chars = stackalloc char[MaxTimestampChars * 6];
                var written = reader.CopyString(chars);
                if (!Timestamps.TryParseIso8601(chars[..written], out timestampMs))
                {
                    detail = "ts is not ISO-8601 with an offset: " + chars[..Math.Min(written, MaxTimestampChars)].ToString();
                    return RejectReason.TimestampInvalid;
                }

                break;
            default:
                detail = "ts must be an ISO-8601 string or epoch milliseconds, got " + reader.TokenType;
                return RejectReason.TimestampInvalid;
        }

        if (timestampMs > receivedMs + (long)limits.MaxFutureSkew.TotalMilliseconds)
        {
            detail = Timestamps.Format(timestampMs);
            return RejectReason.TimestampInFuture;
        }

        if (timestampMs < receivedMs - (long)limits.MaxAge.TotalMilliseconds)
        {
            detail = Timestamps.Format(timestampMs);
            return RejectReason.TimestampTooOld;
        }

        return RejectReason.None;
    }

    private RejectReason ParseMetrics(ref Utf8JsonReader reader, TelemetryBatch batch, int metricStart, out string? detail)
    {
        detail = null;
        var count = 0;
        Span<char> nameChars = stackalloc char[MaxEscapedNameBytes];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var nameLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
            if (nameLength > MaxEscapedNameBytes)
            {
                detail = "metric name longer than 64 characters";
                return RejectReason.MetricNameInvalid;
            }

            var name = nameChars[..reader.CopyString(nameChars)];
            if (!MetricCatalog.IsValidName(name))
            {
                detail = name.ToString();
                return RejectReason.MetricNameInvalid;
            }

            if (++count > limits.MaxMetricsPerReading)
            {
                detail = string.Create(CultureInfo.InvariantCulture, $"more than {limits.MaxMetricsPerReading} metrics");
                return RejectReason.TooManyMetrics;
            }

            reader.Read();
            var definition = MetricCatalog.Find(name);
            var result = ReadValue(ref reader, name, definition, out var value, out detail);
            if (result != RejectReason.None)
            {
                return result;
            }

            var interned = definition?.Name ?? metricNames.Get(name);
            foreach (var existing in batch.MetricsSince(metricStart))
            {
                if (string.Equals(existing.Name, interned, StringComparison.Ordinal))
                {
                    detail = interned;
                    return RejectReason.DuplicateKey;
                }
            }

            batch.AddMetric(new MetricValue(interned, value, definition?.IsInteger ?? false));
        }

        if (count == 0)
        {
            return RejectReason.MetricsEmpty;
        }

        return RejectReason.None;
    }

    private static RejectReason ReadValue(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, MetricDefinition? definition, out double value, out string? detail)
    {
        detail = null;
        value = 0;
        if (reader.TokenType != JsonTokenType.Number)
        {
            detail = string.Concat(name, " is ", reader.TokenType.ToString());
            return RejectReason.MetricValueNotNumber;
        }

        if (!reader.TryGetDouble(out value) || !double.IsFinite(value))
        {
            detail = string.Concat(name, " is not a finite number");
            return RejectReason.MetricValueNotFinite;
        }

        if (definition is null)
        {
            return RejectReason.None;
        }

        if (definition.IsInteger && (value != Math.Floor(value) || Math.Abs(value) > 9_007_199_254_740_992d))
        {
            detail = string.Create(CultureInfo.InvariantCulture, $"{name}={value} must be an integer");
            return RejectReason.MetricNotInteger;
        }

        if (!definition.InRange(value))
        {
            detail = string.Create(CultureInfo.InvariantCulture, $"{name}={value} outside {definition.Min}..{definition.Max} {definition.Unit}");
            return RejectReason.MetricOutOfRange;
        }

        return RejectReason.None;
    }
}
