namespace IocCenter.Dashboard.Security;

/// <summary>
/// What a password must be: at least 10 characters (at most 256), not one character repeated, not a well-known
/// password and not the person's own user name. The answer is a sentence for the person, Vietnamese first.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 10;
    public const int MaxLength = 256;

    // The defaults installers leave and the top of every leaked-password list that are 10 characters or more
    // (shorter ones are refused for their length anyway), with the Vietnamese ones an office would choose.
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "admin", "administrator", "password", "password1", "123456", "12345678", "1234567890", "changeme", "changeit",
        "iocc", "ioccenter", "admin123", "admin@123", "qwerty123", "matkhau", "quantri",
        "0123456789", "1234567891", "12345678910", "0987654321", "9876543210", "1122334455", "1234512345", "123456789a",
        "a123456789", "qwertyuiop", "qwertyuiop123", "1q2w3e4r5t", "1qaz2wsx3edc", "zaq12wsxcde3", "asdfghjkl1", "abcdefghij",
        "abc1234567", "abcd123456", "iloveyou123", "password12", "password123", "password@123", "passw0rd123", "p@ssw0rd123",
        "administrator1", "admin12345", "admin123456", "admin@12345", "welcome123", "letmein123", "changeme123", "trustno1234",
        "matkhau123", "matkhau@123", "matkhau1234", "quantri123", "quantri@123", "quantrivien", "anhyeuem123", "emyeuanh123",
        "vietnam123", "vietnam@123", "dongthap123", "ioccenter1", "ioccenter123", "iocc123456", "smartcity123",
    };

    /// <summary>Why <paramref name="password"/> is refused (for <paramref name="userName"/> when known), or null when it is good.</summary>
    public static string? Problem(string? password, string? userName = null)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "Mật khẩu trống / The password is empty";
        }

        if (password.Length < MinLength)
        {
            return $"Mật khẩu ngắn hơn {MinLength} ký tự / The password is shorter than {MinLength} characters";
        }

        if (password.Length > MaxLength)
        {
            return $"Mật khẩu dài hơn {MaxLength} ký tự / The password is longer than {MaxLength} characters";
        }

        if (password.AsSpan().TrimStart(password[0]).IsEmpty)
        {
            return "Mật khẩu chỉ lặp lại một ký tự / The password is one character repeated";
        }

        if (Common.Contains(password))
        {
            return "Mật khẩu quá phổ biến, dễ bị đoán / The password is a well-known one, easy to guess";
        }

        if (userName is not null && string.Equals(password.Trim(), userName.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return "Mật khẩu trùng với tên đăng nhập / The password is the user name";
        }

        return null;
    }

    public static void ThrowIfWeak(string? password, string? userName = null)
    {
        if (Problem(password, userName) is { } problem)
        {
            throw new ArgumentException(problem, nameof(password));
        }
    }
}

/// <summary>What a name names, for the sentence that says what is wrong with it.</summary>
public enum NameOf
{
    UserName,
    FullName,
    Wall,
}

/// <summary>
/// A user name, a person's full name or a wall's name: trimmed and in NFC (one spelling of each Vietnamese letter),
/// 1 to 64 characters as a person counts them (an emoji is one), printable and visible (no control, formatting or
/// invisible characters such as U+3164, no space but the ordinary one, no stack of more than two accents), and not
/// mixing Latin letters with Cyrillic or Greek ones (<c>аdmin</c> with a Cyrillic а is not <c>admin</c>).
/// </summary>
public static class NameRule
{
    public const int MaxLength = 64;

    // Letters and symbols that draw nothing: Hangul fillers, the blank Braille pattern, the Mongolian vowel separator.
    private static readonly HashSet<int> Invisible = [0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180E, 0x17B4, 0x17B5];

    /// <summary>Why <paramref name="value"/> is refused as a name, or null with <paramref name="name"/> trimmed.</summary>
    public static string? Problem(string? value, NameOf what, out string name)
    {
        var (vi, en) = what switch
        {
            NameOf.UserName => ("Tên đăng nhập", "The user name"),
            NameOf.FullName => ("Họ tên", "The full name"),
            _ => ("Tên màn hình", "The screen's name"),
        };
        name = (value ?? string.Empty).Trim();
        try
        {
            name = name.Normalize(System.Text.NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return $"{vi} có ký tự không in được / {en} contains a character that cannot be printed"; // a broken surrogate pair
        }

        if (name.Length == 0)
        {
            return $"{vi} không được để trống / {en} is required";
        }

        if (new System.Globalization.StringInfo(name).LengthInTextElements > MaxLength)
        {
            return $"{vi} dài quá {MaxLength} ký tự / {en} is longer than {MaxLength} characters";
        }

        var marks = 0;
        bool latin = false, cyrillicOrGreek = false;
        foreach (var rune in name.EnumerateRunes())
        {
            var category = System.Text.Rune.GetUnicodeCategory(rune);
            if (category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.Surrogate or System.Globalization.UnicodeCategory.LineSeparator
                or System.Globalization.UnicodeCategory.ParagraphSeparator or System.Globalization.UnicodeCategory.OtherNotAssigned
                or System.Globalization.UnicodeCategory.PrivateUse
                || (category == System.Globalization.UnicodeCategory.SpaceSeparator && rune.Value != ' ')
                || Invisible.Contains(rune.Value))
            {
                return $"{vi} có ký tự không in được hoặc không nhìn thấy / {en} contains a character that cannot be printed or seen";
            }

            marks = category is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.EnclosingMark ? marks + 1 : 0;
            if (marks > 2)
            {
                return $"{vi} có quá nhiều dấu chồng lên một chữ / {en} stacks too many accents on one letter";
            }

            latin |= System.Text.Rune.IsLetter(rune) && (rune.Value < 0x0250 || rune.Value is >= 0x1E00 and < 0x1F00);
            cyrillicOrGreek |= rune.Value is >= 0x0370 and < 0x0530 or >= 0x1F00 and < 0x2000;
        }

        if (latin && cyrillicOrGreek)
        {
            return $"{vi} trộn chữ Latinh với chữ Kirin hoặc Hy Lạp (dễ nhầm với tên khác) / {en} mixes Latin with Cyrillic or Greek letters (it could pass for another name)";
        }

        return null;
    }
}
