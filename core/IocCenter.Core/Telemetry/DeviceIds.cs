namespace IocCenter.Telemetry;

public static class DeviceIds
{
    public const int MaxLength = 64;

    /// <summary><c>^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$</c>: nothing in it ever needs escaping in a topic or in line protocol.</summary>
    public static bool IsValid(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > MaxLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '.' && c != '-')
            {
                return false;
            }
        }

        return true;
    }
}
