using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IocCenter.Analytics.Maintenance;

/// <summary>
/// A time in a maintenance request: ISO-8601 with its offset, or without one, which is then Vietnam's (UTC+7) — not
/// the server's zone, which on a container is UTC and would put an operator's 22:00 at 05:00 the next morning.
/// </summary>
public sealed class VietnamTimeJson : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Parse(ref reader);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }

    internal static DateTimeOffset Parse(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { Length: > 0 and < 64 } text)
        {
            throw new JsonException("Thời gian phải là chuỗi ISO-8601, ví dụ 2026-12-02T23:00 / A time is an ISO-8601 string, e.g. 2026-12-02T23:00");
        }

        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
        {
            throw new JsonException($"Không đọc được thời gian \"{text}\" / Not a time: \"{text}\"");
        }

        return parsed.Kind == DateTimeKind.Unspecified
            ? new DateTimeOffset(parsed, TimeSpan.FromHours(7))
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
    }
}

/// <inheritdoc cref="VietnamTimeJson"/>
public sealed class VietnamTimeOrNullJson : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : VietnamTimeJson.Parse(ref reader);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } v)
        {
            writer.WriteStringValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
