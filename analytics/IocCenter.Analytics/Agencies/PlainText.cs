namespace IocCenter.Analytics.Agencies;

/// <summary>
/// What a person may type that other people will read on the screens: no control characters (a line break only where
/// the field takes several lines) and no bidirectional overrides, which would turn "Người đặt: …" around on the console.
/// </summary>
public static class PlainText
{
    /// <summary>Why <paramref name="text"/> cannot be shown as it is, Vietnamese / English, or null.</summary>
    public static string? Problem(string? text, bool lines = false)
    {
        foreach (var ch in text ?? "")
        {
            if (ch is '\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E' or '\u2066' or '\u2067' or '\u2068' or '\u2069' or '\u200E' or '\u200F')
            {
                return "Có ký tự đảo chiều văn bản, không được dùng / It contains a text-direction control character";
            }

            if (char.IsControl(ch) && !(lines && ch is '\n' or '\r' or '\t'))
            {
                return lines ? "Có ký tự điều khiển, không được dùng / It contains a control character"
                    : "Có ký tự điều khiển hoặc xuống dòng, không được dùng / It contains a control character or a line break";
            }
        }

        return null;
    }
}
