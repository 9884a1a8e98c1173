using System.Buffers;
using System.Globalization;
using System.Text;
using IocCenter.Telemetry;

namespace IocCenter.LineProtocol;

/// <summary>
/// Appends InfluxDB line-protocol points to a buffer. Commas, equals signs and spaces in names are escaped;
/// what line protocol cannot carry becomes U+FFFD: control characters (a newline would start a new point) and
/// a backslash that ends a name or stands before an escaped character (InfluxDB's parser reads it as an escape
/// of what follows). Other backslashes are written as they are, which is how InfluxDB reads them. So no device
/// id, area or metric name can end a line early or add a tag, field or point.
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
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c >= 0x80)
            {
                // Broken surrogates become U+FFFD here too.
                Rune.DecodeFromUtf16(name.AsSpan(i), out var rune, out var consumed);
                position += rune.EncodeToUtf8(span[position..]);
                i += consumed - 1;
            }
            else if (c < 0x20 || c == 0x7F || (c == '\\' && (i == name.Length - 1 || IsEscaped(name[i + 1]))))
            {
                span[position++] = Replacement0;
                span[position++] = Replacement1;
                span[position++] = Replacement2;
            }
            else
            {
                if (IsEscaped(c) && (escapeEquals || c != '='))
                {
                    span[position++] = (byte)'\\';
                }

                span[position++] = (byte)c;
            }
        }

        output.Advance(position);
    }

    private static bool IsEscaped(char c) => c is ',' or ' ' or '=';

    /// <summary>A point rendered to a string, for tests and diagnostics.</summary>
    public static string Format(string measurement, ReadOnlySpan<KeyValuePair<string, string?>> tags, ReadOnlySpan<MetricValue> fields, long timestampMs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AppendPoint(buffer, measurement, tags, fields, timestampMs);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
