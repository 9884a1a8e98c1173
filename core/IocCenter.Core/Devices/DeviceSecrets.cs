using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IocCenter.Devices;

/// <summary>
/// Broker passwords of devices and services: generated at random, stored only as a hash in mosquitto's own format
/// (<c>$7$iterations$salt$hash</c>: PBKDF2-HMAC-SHA512, 12-byte salt, 64-byte hash), so the same registry drives the
/// embedded broker and a generated mosquitto <c>password_file</c>.
/// </summary>
/// <remarks>
/// The secrets are 24 random bytes, not chosen by people, so a slow hash adds nothing against guessing; 1,000
/// iterations keep a province's devices reconnecting after a broker restart cheap (about 0.5 ms each).
/// </remarks>
public static class DeviceSecrets
{
    public const int DefaultIterations = 1_000;
    private const int SaltBytes = 12;
    private const int HashBytes = 64;

    /// <summary>A new secret: 24 random bytes as URL-safe base64 (32 characters).</summary>
    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string secret, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA512, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"$7${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>True when <paramref name="secret"/> matches <paramref name="hash"/>; false for a malformed hash.</summary>
    public static bool Verify(string? secret, string? hash)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(hash))
        {
            return false;
        }

        var parts = hash.Split('$');
        if (parts.Length != 5 || parts[0].Length != 0 || parts[1] != "7"
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations is < 1 or > 10_000_000)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[3]);
            var expected = Convert.FromBase64String(parts[4]);
            var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA512, expected.Length);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
