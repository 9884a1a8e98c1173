using System.Buffers.Text;
using System.Text;
using IocCenter.Telemetry;

namespace IocCenter.LineProtocol;

/// <summary>One point read back from line protocol.</summary>
public sealed record LinePoint(string Measurement, IReadOnlyList<KeyValuePair<string, string>> Tags, IReadOnlyList<MetricValue> Fields, long TimestampMs)
{
    public string? Tag(string key)
    {
        foreach (var (k, v) in Tags)
        {
            if (k == key)
            {
                return v;
            }
        }

        return null;
    }
}

/// <summary>
/// Reads the line protocol <see cref="LineProtocolWriter"/> writes (for a store that is not InfluxDB): a
/// backslash before a comma, space or equals sign escapes it, any other backslash is literal, as InfluxDB reads
/// it; fields are floats or <c>i</c>-suffixed integers (also <c>u</c> and booleans, as 1/0); the timestamp is
/// milliseconds. A malformed line yields an error that names what is wrong, never an exception.
/// </summary>
public static class LineProtocolReader
{
    /// <summary>Reads every non-empty line; stops at the first malformed one and reports its number (1-based).</summary>
    public static bool TryReadAll(ReadOnlySpan<byte> lines, List<LinePoint> points, out string? error)
    {
        ArgumentNullException.ThrowIfNull(points);
        var number = 0;
        while (!lines.IsEmpty)
        {
            number++;
            var end = lines.IndexOf((byte)'\n');
            var line = end < 0 ? lines : lines[..end];
            lines = end < 0 ? [] : lines[(end + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }

            if (!TryRead(line, out var point, out var why))
            {
                error = $"line {number}: {why}";
                return false;
            }

            points.Add(point!);
        }

        error = null;
        return true;
    }

    public static bool TryRead(ReadOnlySpan<byte> line, out LinePoint? point, out string? error)
    {
        point = null;
        var position = 0;
        var measurement = Name(line, ref position, stopAtEquals: false);
        if (measurement.Length == 0)
        {
            error = "no measurement";
            return false;
        }

        var tags = new List<KeyValuePair<string, string>>();
        while (position < line.Length && line[position] == ',')
        {
            position++;
            var key = Name(line, ref position, stopAtEquals: true);
            if (position >= line.Length || line[position] != '=' || key.Length == 0)
            {
                error = $"tag '{key}' has no value";
                return false;
            }

            position++;
            tags.Add(new(key, Name(line, ref position, stopAtEquals: true)));
        }

        if (position >= line.Length || line[position] != ' ')
        {
            error = "no fields";
            return false;
        }

        var fields = new List<MetricValue>();
        do
        {
            position++;
            var key = Name(line, ref position, stopAtEquals: true);
            if (position >= line.Length || line[position] != '=' || key.Length == 0)
            {
                error = $"field '{key}' has no value";
                return false;
            }

            position++;
            var start = position;
            while (position < line.Length && line[position] is not (byte)',' and not (byte)' ')
            {
                position++;
            }

            if (!TryValue(line[start..position], out var value, out var integer))
            {
                error = $"field '{key}' has a value that is not a number: '{Encoding.UTF8.GetString(line[start..position])}'";
                return false;
            }

            fields.Add(new MetricValue(key, value, integer));
        }
        while (position < line.Length && line[position] == ',');

        if (position >= line.Length || line[position] != ' ' || !Utf8Parser.TryParse(line[(position + 1)..], out long timestamp, out var consumed) || position + 1 + consumed != line.Length)
        {
            error = "no timestamp (milliseconds) at the end";
            return false;
        }

        point = new LinePoint(measurement, tags, fields, timestamp);
        error = null;
        return true;
    }

    private static bool TryValue(ReadOnlySpan<byte> text, out double value, out bool integer)
    {
        integer = text.Length > 1 && text[^1] is (byte)'i' or (byte)'u';
        if (integer)
        {
            var ok = Utf8Parser.TryParse(text[..^1], out long whole, out var used) && used == text.Length - 1;
            value = whole;
            return ok;
        }

        switch (Encoding.ASCII.GetString(text))
        {
            case "t" or "T" or "true" or "True" or "TRUE":
                value = 1;
                return true;
            case "f" or "F" or "false" or "False" or "FALSE":
                value = 0;
                return true;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>A name up to an unescaped comma or space (and equals sign in tags and fields).</summary>
    private static string Name(ReadOnlySpan<byte> line, ref int position, bool stopAtEquals)
    {
        var buffer = new List<byte>(32);
        while (position < line.Length)
        {
            var b = line[position];
            if (b == '\\' && position + 1 < line.Length && line[position + 1] is (byte)',' or (byte)' ' or (byte)'=')
            {
                buffer.Add(line[position + 1]);
                position += 2;
                continue;
            }

            if (b is (byte)',' or (byte)' ' || (stopAtEquals && b == '='))
            {
                break;
            }

            buffer.Add(b);
            position++;
        }

        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buffer));
    }
}
