using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using IocCenter.Analytics.Incidents;

namespace IocCenter.Analytics.Live;

/// <summary>How incidents travel (MQTT, later SignalR and REST): camelCase JSON, enums as their codes.</summary>
public static class IncidentJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(IncidentChange change) => JsonSerializer.SerializeToUtf8Bytes(change, Options);
}
