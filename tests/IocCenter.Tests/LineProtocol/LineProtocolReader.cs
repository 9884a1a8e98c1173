using System.Globalization;
using System.Text;

namespace IocCenter.Tests.LineProtocol;

/// <summary>A strict line-protocol parser that reads names as InfluxDB does (only <c>\\,</c> <c>\\ </c> <c>\\=</c> are escapes), to check what the writer produces.</summary>
internal static class LineProtocolReader
{
    public sealed record Point(string Measurement, List<KeyValuePair<string, string>> Tags, List<KeyValuePair<string, string>> Fields, long Timestamp);

    /// <summary>Parses exactly one line ending in '\n'; throws on anything malformed.</summary>
    public static Point ParseSingleLine(string text)
    {
        if (!text.EndsWith('\n') || text.IndexOf('\n') != text.Length - 1 || text.Contains('\r'))
        {
            throw new FormatException("not exactly one line");
        }

        var position = 0;
        var measurement = ReadToken(text, ref position, stopAtEquals: false, out var stop);
        var tags = new List<KeyValuePair<string, string>>();
        while (stop == ',')
        {
            var key = ReadToken(text, ref position, stopAtEquals: true, out stop);
            Expect(stop, '=');
            var value = ReadToken(text, ref position, stopAtEquals: true, out stop);
            if (key.Length == 0 || value.Length == 0)
            {
                throw new FormatException("empty tag key or value");
            }

            tags.Add(new(key, value));
        }

        Expect(stop, ' ');
        var fields = new List<KeyValuePair<string, string>>();
        do
        {
            var key = ReadToken(text, ref position, stopAtEquals: true, out stop);
            Expect(stop, '=');
            var start = position;
            while (text[position] is not (',' or ' '))
            {
                position++;
            }

            fields.Add(new(key, text[start..position]));
            stop = text[position++];
        }
        while (stop == ',');

        Expect(stop, ' ');
        var timestamp = long.Parse(text.AsSpan(position, text.Length - 1 - position), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return new Point(measurement, tags, fields, timestamp);
    }

    private static string ReadToken(string text, ref int position, bool stopAtEquals, out char stop)
    {
        var token = new StringBuilder();
        while (true)
        {
            var c = text[position++];
            if (c == '\\' && text[position] is ',' or ' ' or '=')
            {
                token.Append(text[position++]);
                continue;
            }

            if (c is ',' or ' ' or '\n' || (stopAtEquals && c == '='))
            {
                stop = c;
                return token.ToString();
            }

            token.Append(c);
        }
    }

    private static void Expect(char actual, char expected)
    {
        if (actual != expected)
        {
            throw new FormatException($"expected '{expected}', found '{actual}'");
        }
    }
}
