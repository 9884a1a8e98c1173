using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using IocCenter.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace IocCenter.Dashboard.Security;

/// <summary>The three roles: walls watch, officers act on incidents, admins manage people and kiosk links.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Officer = "officer";
    public const string Admin = "admin";

    public static bool IsValid(string role) => role is Viewer or Officer or Admin;
}

public sealed record DashboardUser(long Id, string UserName, string DisplayName, string Role, DateTimeOffset CreatedAt, bool Disabled);

public sealed record KioskToken(long Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// People and kiosk links, in SQLite beside the incidents. Passwords are hashed with ASP.NET Core's
/// <see cref="PasswordHasher{TUser}"/> (PBKDF2); a kiosk token is 32 random bytes shown once and stored only as
/// its SHA-256, so a copy of the database does not open any wall.
/// </summary>
public sealed class UserStore
{
    private readonly string _connectionString;
    private readonly PasswordHasher<DashboardUser> _hasher = new();

    public UserStore(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS users (
                id INTEGER PRIMARY KEY, user_name TEXT NOT NULL UNIQUE COLLATE NOCASE, display_name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('viewer', 'officer', 'admin')), password_hash TEXT NOT NULL,
                created_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS kiosk_tokens (
                id INTEGER PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL, revoked_at TEXT);
            """;
        command.ExecuteNonQuery();
    }

    public bool AnyUser()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM users)";
        return (long)command.ExecuteScalar()! == 1;
    }

    public DashboardUser Create(string userName, string displayName, string role, string password)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        if (!Roles.IsValid(role))
        {
            throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        }

        PasswordPolicy.ThrowIfWeak(password);
        var user = new DashboardUser(0, userName.Trim(), string.IsNullOrWhiteSpace(displayName) ? userName.Trim() : displayName.Trim(), role, DateTimeOffset.UtcNow, false);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO users (user_name, display_name, role, password_hash, created_at) VALUES ($u, $d, $r, $h, $c) RETURNING id";
        command.Parameters.AddWithValue("$u", user.UserName);
        command.Parameters.AddWithValue("$d", user.DisplayName);
        command.Parameters.AddWithValue("$r", role);
        command.Parameters.AddWithValue("$h", _hasher.HashPassword(user, password));
        command.Parameters.AddWithValue("$c", user.CreatedAt.ToString("O"));
        return user with { Id = (long)command.ExecuteScalar()! };
    }

    /// <summary>The user when the password is right and the account enabled; otherwise null (the same for every failure).</summary>
    public DashboardUser? Verify(string userName, string password)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, user_name, display_name, role, created_at, disabled, password_hash FROM users WHERE user_name = $u";
        command.Parameters.AddWithValue("$u", userName.Trim());
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            _hasher.HashPassword(new DashboardUser(0, userName, userName, Roles.Viewer, default, false), password); // same work either way
            return null;
        }

        var user = ReadUser(reader);
        var result = _hasher.VerifyHashedPassword(user, reader.GetString(6), password);
        return result == PasswordVerificationResult.Failed || user.Disabled ? null : user;
    }

    public IReadOnlyList<DashboardUser> Users()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, user_name, display_name, role, created_at, disabled FROM users ORDER BY user_name";
        using var reader = command.ExecuteReader();
        var users = new List<DashboardUser>();
        while (reader.Read())
        {
            users.Add(ReadUser(reader));
        }

        return users;
    }

    /// <summary>A new kiosk link token: returned once, stored as its hash.</summary>
    public (KioskToken Token, string Secret) CreateKioskToken(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var created = DateTimeOffset.UtcNow;
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO kiosk_tokens (name, token_hash, created_at) VALUES ($n, $h, $c) RETURNING id";
        command.Parameters.AddWithValue("$n", name.Trim());
        command.Parameters.AddWithValue("$h", Hash(secret));
        command.Parameters.AddWithValue("$c", created.ToString("O"));
        return (new KioskToken((long)command.ExecuteScalar()!, name.Trim(), created, null), secret);
    }

    /// <summary>The token's id when it exists and is not revoked.</summary>
    public long? FindKioskToken(string secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 200)
        {
            return null;
        }

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM kiosk_tokens WHERE token_hash = $h AND revoked_at IS NULL";
        command.Parameters.AddWithValue("$h", Hash(secret));
        return command.ExecuteScalar() is long id ? id : null;
    }

    /// <summary>The kiosk links not revoked.</summary>
    public IReadOnlySet<long> ActiveKioskTokenIds()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM kiosk_tokens WHERE revoked_at IS NULL";
        using var reader = command.ExecuteReader();
        var ids = new HashSet<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    public bool RevokeKioskToken(long id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE kiosk_tokens SET revoked_at = $at WHERE id = $id AND revoked_at IS NULL";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O"));
        return command.ExecuteNonQuery() == 1;
    }

    public IReadOnlyList<KioskToken> KioskTokens()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, created_at, revoked_at FROM kiosk_tokens ORDER BY id";
        using var reader = command.ExecuteReader();
        var tokens = new List<KioskToken>();
        while (reader.Read())
        {
            tokens.Add(new KioskToken(reader.GetInt64(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(3) ? null : DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return tokens;
    }

    private static DashboardUser ReadUser(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            DateTimeOffset.Parse(reader.GetString(4), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(5) != 0);

    private static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    private SqliteConnection Open() => SqliteConnections.OpenDurable(_connectionString);
}

/// <summary>What a password must be: at least 10 characters and not a well-known default.</summary>
public static class PasswordPolicy
{
    private static readonly HashSet<string> Defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        "admin", "administrator", "password", "password1", "123456", "12345678", "1234567890", "changeme", "changeit",
        "iocc", "ioccenter", "admin123", "admin@123", "qwerty123", "matkhau", "quantri",
    };

    public static string? Problem(string? password) =>
        string.IsNullOrEmpty(password) ? "empty / trống"
        : Defaults.Contains(password) ? "a well-known default / mật khẩu mặc định"
        : password.Length < 10 ? "shorter than 10 characters / ngắn hơn 10 ký tự"
        : null;

    public static void ThrowIfWeak(string? password)
    {
        if (Problem(password) is { } problem)
        {
            throw new ArgumentException("Password is " + problem, nameof(password));
        }
    }
}
