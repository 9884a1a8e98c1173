using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace IocCenter.Telemetry;

/// <summary>A message that was not stored, with why. Published to <c>ioc/v1/deadletter/{reason}</c> and kept on disk.</summary>
public sealed record DeadLetter(string Topic, RejectReason Reason, string? Detail, DateTimeOffset Received, int PayloadBytes, byte[] PayloadHead)
{
    /// <summary>How much of the payload a dead letter keeps.</summary>
    public const int HeadBytes = 1024;

    /// <summary>How much of the topic a dead letter keeps (a valid one is far shorter; its length is in the detail).</summary>
    public const int TopicChars = 256;

    /// <summary>Readable output (Vietnamese and quotes as they are); dead letters are JSON for machines and people, never HTML.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static DeadLetter Create(string topic, RejectReason reason, string? detail, DateTimeOffset received, in ReadOnlySequence<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var head = payload.Slice(0, Math.Min(payload.Length, HeadBytes)).ToArray();
        if (topic.Length > TopicChars)
        {
            var cut = $"topic cut from {topic.Length} chars / chủ đề bị cắt từ {topic.Length} ký tự";
            detail = detail is null ? cut : detail + "; " + cut;
            topic = topic[..TopicChars];
        }

        return new DeadLetter(topic, reason, Truncate(detail), received, (int)Math.Min(payload.Length, int.MaxValue), head);
    }

    /// <summary>One JSON object: topic, reason, detail, received, payload_bytes, and the payload head as UTF-8 text (<c>payload</c>) or, when it is not text, <c>payload_base64</c>.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("topic", Topic);
        writer.WriteString("reason", Reason.Code());
        if (Detail is not null)
        {
            writer.WriteString("detail", Detail);
        }

        writer.WriteString("received", Received.UtcDateTime);
        writer.WriteNumber("payload_bytes", PayloadBytes);
        var text = TextHead(PayloadHead);
        if (text is not null)
        {
            writer.WriteString("payload", text);
        }
        else
        {
            writer.WriteBase64String("payload_base64", PayloadHead);
        }

        writer.WriteEndObject();
    }

    public byte[] ToJsonBytes()
    {
        var buffer = new ArrayBufferWriter<byte>(256 + PayloadHead.Length * 2);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteJson(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The head as text when it is UTF-8, allowing for a character cut at the 1 KiB boundary.</summary>
    private static string? TextHead(byte[] head)
    {
        for (var trim = 0; trim < 4 && trim <= head.Length; trim++)
        {
            var span = head.AsSpan(0, head.Length - trim);
            if (Utf8.IsValid(span))
            {
                return Encoding.UTF8.GetString(span);
            }
        }

        return null;
    }

    private static string? Truncate(string? detail) => detail is { Length: > 500 } ? detail[..500] : detail;
}
