using System.Text;

namespace IocCenter.Analytics.Backtest;

/// <summary>RFC 4180 records (quoted fields, doubled quotes, line breaks inside quotes), each with its raw text.</summary>
internal sealed class CsvRecordReader(TextReader reader)
{
    private readonly StringBuilder _raw = new();
    private readonly StringBuilder _field = new();

    /// <summary>The next record, or null at the end. <paramref name="raw"/> is the record's text without its line break.</summary>
    public List<string>? Read(out string raw)
    {
        _raw.Clear();
        _field.Clear();
        var fields = new List<string>();
        var quoted = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (quoted)
            {
                _raw.Append(ch);
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        _raw.Append((char)reader.Read());
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    _field.Append(ch);
                }

                continue;
            }

            if (ch == '\r' && reader.Peek() == '\n')
            {
                continue;
            }

            if (ch is '\n' or '\r')
            {
                fields.Add(_field.ToString());
                raw = _raw.ToString();
                return fields;
            }

            _raw.Append(ch);
            if (ch == '"' && _field.Length == 0)
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(_field.ToString());
                _field.Clear();
            }
            else
            {
                _field.Append(ch);
            }
        }

        raw = _raw.ToString();
        if (raw.Length == 0 && fields.Count == 0)
        {
            return null;
        }

        fields.Add(_field.ToString());
        return fields;
    }
}
