using System.Buffers;
using System.Globalization;
using System.Text.Json;
using IocCenter.Telemetry;

namespace IocCenter.Simulators.Fleet;

/// <summary>Writes the v1 payload <c>{"ts": "...Z", "metrics": {...}}</c>.</summary>
public static class TelemetryPayload
{
    public static byte[] Encode(long epochMs, IReadOnlyList<MetricValue> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("ts", DateTimeOffset.FromUnixTimeMilliseconds(epochMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteStartObject("metrics");
            foreach (var metric in metrics)
            {
                if (metric.IsInteger)
                {
                    writer.WriteNumber(metric.Name, (long)metric.Value);
                }
                else
                {
                    writer.WriteNumber(metric.Name, metric.Value);
                }
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
