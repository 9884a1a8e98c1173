using System.Buffers;
using System.Globalization;
using System.Text;
using IocCenter.Telemetry;

namespace IocCenter.LineProtocol;

/// <summary>
/// Appends InfluxDB line-protocol points to a buffer. Every name is escaped (comma, equals sign, space,
/// backslash), and control characters, which line protocol cannot carry, become U+FFFD, so no device id,
/// area or metric name can end a line early or add a tag, field or point.
/// </summary>
public static class LineProtocolWriter
{
    private const byte Replacement0 = 0xEF, Replacement1 = 0xBF, Replacement2 = 0xBD;

    /// <summary>Writes <c>measurement[,tag=value...] field=value[,...] timestampMs\n</c>. Tags must be sorted by key; empty tag values are left out.</summary>
    public static void AppendPoint(
        IBufferWriter<byte> output,
        string measurement,
        ReadOnlySpan<KeyValuePair<string, string?>> tags,
        ReadOnlySpan<MetricValue> fields,
        long timestampMs)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrEmpty(measurement);
        if (fields.IsEmpty)
        {
            throw new ArgumentException("A point needs at least one field.", nameof(fields));
        }

        WriteName(output, measurement, escapeEquals: false);
        foreach (var (key, value) in tags)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            WriteByte(output, (byte)',');
            WriteName(output, key, escapeEquals: true);
            WriteByte(output, (byte)'=');
            WriteName(output, value, escapeEquals: true);
        }

        var separator = (byte)' ';
        foreach (var field in fields)
        {
            WriteByte(output, separator);
            separator = (byte)',';
            ArgumentException.ThrowIfNullOrEmpty(field.Name, nameof(fields));
            WriteName(output, field.Name, escapeEquals: true);
            WriteByte(output, (byte)'=');
            WriteValue(output, field);
        }

        var span = output.GetSpan(24);
        span[0] = (byte)' ';
        timestampMs.TryFormat(span[1..], out var written, provider: CultureInfo.InvariantCulture);
        span[1 + written] = (byte)'\n';
        output.Advance(written + 2);
    }

    private static void WriteValue(IBufferWriter<byte> output, MetricValue field)
    {
        if (!double.IsFinite(field.Value))
        {
            throw new ArgumentException($"Field '{field.Name}' is not finite; validation must reject it first.", nameof(field));
        }

        var span = output.GetSpan(32);
        int written;
        if (field.IsInteger)
        {
            ((long)field.Value).TryFormat(span, out written, provider: CultureInfo.InvariantCulture);
            span[written++] = (byte)'i';
        }
        else
        {
            field.Value.TryFormat(span, out written, "R", CultureInfo.InvariantCulture);
        }

        output.Advance(written);
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteName(IBufferWriter<byte> output, string name, bool escapeEquals)
    {
        // Worst case: every char is an escaped ASCII char (2 bytes) or 3 UTF-8 bytes.
        var span = output.GetSpan((name.Length * 3) + 4);
        var position = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (rune.IsAscii)
            {
                var c = (byte)rune.Value;
                if (c < 0x20 || c == 0x7F)
                {
                    span[position++] = Replacement0;
                    span[position++] = Replacement1;
                    span[position++] = Replacement2;
                    continue;
                }

                if (c is (byte)',' or (byte)' ' or (byte)'\\' || (escapeEquals && c == (byte)'='))
                {
                    span[position++] = (byte)'\\';
                }

                span[position++] = c;
            }
            else
            {
                position += rune.EncodeToUtf8(span[position..]);
            }
        }

        output.Advance(position);
    }

    /// <summary>A point rendered to a string, for tests and diagnostics.</summary>
    public static string Format(string measurement, ReadOnlySpan<KeyValuePair<string, string?>> tags, ReadOnlySpan<MetricValue> fields, long timestampMs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AppendPoint(buffer, measurement, tags, fields, timestampMs);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
