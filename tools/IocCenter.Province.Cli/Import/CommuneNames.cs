using System.Globalization;
using System.Text;

namespace IocCenter.Geography.Cli.Import;

/// <summary>
/// How two spellings of a commune name are compared: Unicode NFC, case, the "Xã"/"Phường"/"Đặc khu" prefix, spaces,
/// and the old/new tone placement (Hoà/Hòa, Thuỷ/Thủy) all ignored.
/// </summary>
internal static class CommuneNames
{
    private static readonly string[] Prefixes = ["đặc khu ", "phường ", "xã ", "thị trấn "];

    // Old-style tone on the second vowel of oa/oe/uy → the new style, on the first (Quyết định 240/QĐ-1984 vs. common use).
    private static readonly (string Old, string New)[] TonePlacement =
    [
        ("oà", "òa"), ("oá", "óa"), ("oả", "ỏa"), ("oã", "õa"), ("oạ", "ọa"),
        ("oè", "òe"), ("oé", "óe"), ("oẻ", "ỏe"), ("oẽ", "õe"), ("oẹ", "ọe"),
        ("uỳ", "ùy"), ("uý", "úy"), ("uỷ", "ủy"), ("uỹ", "ũy"), ("uỵ", "ụy"),
    ];

    public static string Key(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "";
        }

        var text = new StringBuilder(name.Length);
        var space = false;
        foreach (var c in name.Normalize(NormalizationForm.FormC))
        {
            if (char.IsWhiteSpace(c) || c is '_' or '-')
            {
                space = text.Length > 0;
                continue;
            }

            if (space)
            {
                text.Append(' ');
                space = false;
            }

            text.Append(char.ToLowerInvariant(c));
        }

        var key = text.ToString();
        foreach (var prefix in Prefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                key = key[prefix.Length..];
                break;
            }
        }

        foreach (var (old, modern) in TonePlacement)
        {
            key = key.Replace(old, modern, StringComparison.Ordinal);
        }

        return key;
    }

    /// <summary>The key without any diacritics (đ → d): "Mỹ Quý" and "My Qui" differ by one letter.</summary>
    public static string Bare(string key)
    {
        var text = new StringBuilder(key.Length);
        foreach (var c in key.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                text.Append(c == 'đ' ? 'd' : c);
            }
        }

        return text.ToString();
    }

    /// <summary>Edit distance (insert, delete, substitute) between two keys.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
