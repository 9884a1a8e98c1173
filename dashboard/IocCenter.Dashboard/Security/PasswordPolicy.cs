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
/// A user name, a person's full name or a wall's name: trimmed, 1 to 64 characters, printable (no control or
/// formatting characters, no line breaks, no broken surrogate pairs).
/// </summary>
public static class NameRule
{
    public const int MaxLength = 64;

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
        if (name.Length == 0)
        {
            return $"{vi} không được để trống / {en} is required";
        }

        if (name.Length > MaxLength)
        {
            return $"{vi} dài quá {MaxLength} ký tự / {en} is longer than {MaxLength} characters";
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
                continue;
            }

            var category = char.GetUnicodeCategory(c);
            if (category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.Surrogate or System.Globalization.UnicodeCategory.LineSeparator
                or System.Globalization.UnicodeCategory.ParagraphSeparator or System.Globalization.UnicodeCategory.OtherNotAssigned
                or System.Globalization.UnicodeCategory.PrivateUse)
            {
                return $"{vi} có ký tự không in được / {en} contains a character that cannot be printed";
            }
        }

        return null;
    }
}
