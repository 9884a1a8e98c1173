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

/// <summary>A person. <see cref="SecurityStamp"/> changes whenever their sessions must end; it is never sent out.</summary>
public sealed record DashboardUser(long Id, string UserName, string DisplayName, string Role, DateTimeOffset CreatedAt, bool Disabled,
    [property: System.Text.Json.Serialization.JsonIgnore] string SecurityStamp = "");

/// <summary>What became of an admin's change to a person.</summary>
public enum PersonChange
{
    Done,
    NotFound,

    /// <summary>Refused: it would leave no enabled admin.</summary>
    LastAdmin,
}

public sealed record KioskToken(long Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// People and kiosk links, in SQLite beside the incidents. Passwords are hashed with ASP.NET Core's
/// <see cref="PasswordHasher{TUser}"/> (PBKDF2); a kiosk token is 32 random bytes shown once and stored only as
/// its SHA-256, so a copy of the database does not open any wall.
/// </summary>
public sealed class UserStore
{
    private const string UserColumns = "id, user_name, display_name, role, created_at, disabled, security_stamp";
    private readonly string _connectionString;
    private readonly PasswordHasher<DashboardUser> _hasher = new();
    private readonly TimeProvider _time;

    // People whose sessions were ended by this instance, and when: its own requests need not wait for the re-check.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, DateTimeOffset> _endedHere = new();

    public UserStore(string path, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
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
        Migrate(connection);
    }

    /// <summary>
    /// A database made before sessions were re-checked gets its security stamps in place; every person then signs in
    /// once more (their old cookies carry no stamp). Safe when several instances start at once.
    /// </summary>
    private static void Migrate(SqliteConnection connection)
    {
        using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('users') WHERE name = 'security_stamp'";
        if ((long)columns.ExecuteScalar()! == 0)
        {
            try
            {
                using var add = connection.CreateCommand();
                add.CommandText = "ALTER TABLE users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT ''";
                add.ExecuteNonQuery();
            }
            catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
            {
                // Another instance sharing the database added it first.
            }
        }

        using var fill = connection.CreateCommand();
        fill.CommandText = "UPDATE users SET security_stamp = lower(hex(randomblob(16))) WHERE security_stamp = ''";
        fill.ExecuteNonQuery();
    }

    public bool AnyUser()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM users)";
        return (long)command.ExecuteScalar()! == 1;
    }

    /// <summary>A new person; the names and password must pass <see cref="NameRule"/> and <see cref="PasswordPolicy"/> (checked by the caller for a 400).</summary>
    public DashboardUser Create(string userName, string displayName, string role, string password)
    {
        if (NameRule.Problem(userName, NameOf.UserName, out var name) is { } problem)
        {
            throw new ArgumentException(problem, nameof(userName));
        }

        if (!Roles.IsValid(role))
        {
            throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        }

        PasswordPolicy.ThrowIfWeak(password, name);
        var shown = NameRule.Problem(displayName, NameOf.FullName, out var display) is null ? display : name;
        var user = new DashboardUser(0, name, shown, role, _time.GetUtcNow(), false, NewStamp());
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO users (user_name, display_name, role, password_hash, created_at, security_stamp) VALUES ($u, $d, $r, $h, $c, $s) RETURNING id";
        command.Parameters.AddWithValue("$u", user.UserName);
        command.Parameters.AddWithValue("$d", user.DisplayName);
        command.Parameters.AddWithValue("$r", role);
        command.Parameters.AddWithValue("$h", _hasher.HashPassword(user, password));
        command.Parameters.AddWithValue("$c", user.CreatedAt.ToString("O"));
        command.Parameters.AddWithValue("$s", user.SecurityStamp);
        return user with { Id = (long)command.ExecuteScalar()! };
    }

    public DashboardUser? Find(long id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {UserColumns} FROM users WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadUser(reader) : null;
    }

    /// <summary>The security stamp of every enabled person: a session whose stamp is not here has ended.</summary>
    public IReadOnlyDictionary<long, string> ActiveStamps()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, security_stamp FROM users WHERE disabled = 0";
        using var reader = command.ExecuteReader();
        var stamps = new Dictionary<long, string>();
        while (reader.Read())
        {
            stamps[reader.GetInt64(0)] = reader.GetString(1);
        }

        return stamps;
    }

    /// <summary>The stamp of an enabled person, or null (disabled or deleted): what a session is re-checked against.</summary>
    public string? ActiveStamp(long id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT security_stamp FROM users WHERE id = $id AND disabled = 0";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() as string;
    }

    /// <summary>Ends every session of the person, on every instance (log out, or a change to them); the new stamp.</summary>
    public string? EndSessions(long id)
    {
        var stamp = NewStamp();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE users SET security_stamp = $s WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$s", stamp);
        if (command.ExecuteNonQuery() != 1)
        {
            return null;
        }

        _endedHere[id] = _time.GetUtcNow();
        return stamp;
    }

    /// <summary>Whether this instance ended the person's sessions after <paramref name="since"/> (so a cookie checked then is due again now).</summary>
    public bool EndedHereSince(long id, DateTimeOffset since) => _endedHere.TryGetValue(id, out var at) && at >= since;

    public PersonChange SetDisabled(long id, bool disabled) =>
        Change(id, leavesAdminless: disabled, "UPDATE users SET disabled = $v, security_stamp = $s WHERE id = $id", disabled ? 1 : 0);

    public PersonChange SetRole(long id, string role)
    {
        if (!Roles.IsValid(role))
        {
            throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        }

        return Change(id, leavesAdminless: role != Roles.Admin, "UPDATE users SET role = $v, security_stamp = $s WHERE id = $id", role);
    }

    public PersonChange Delete(long id) => Change(id, leavesAdminless: true, "DELETE FROM users WHERE id = $id", null);

    /// <summary>Sets a new password (an admin's reset or the person's own change); every session of theirs ends.</summary>
    public PersonChange SetPassword(long id, string password)
    {
        if (Find(id) is not { } user)
        {
            return PersonChange.NotFound;
        }

        PasswordPolicy.ThrowIfWeak(password, user.UserName);
        return Change(id, leavesAdminless: false, "UPDATE users SET password_hash = $v, security_stamp = $s WHERE id = $id", _hasher.HashPassword(user, password));
    }

    /// <summary>
    /// One change to a person that also ends their sessions, refused when it would leave no enabled admin; checked and
    /// made in one write transaction, so two admins demoting each other at once cannot both succeed.
    /// </summary>
    private PersonChange Change(long id, bool leavesAdminless, string sql, object? value)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var check = connection.CreateCommand();
        check.Transaction = transaction;
        check.CommandText = "SELECT role = 'admin' AND disabled = 0, (SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0) FROM users WHERE id = $id";
        check.Parameters.AddWithValue("$id", id);
        using (var reader = check.ExecuteReader())
        {
            if (!reader.Read())
            {
                return PersonChange.NotFound;
            }

            if (leavesAdminless && reader.GetInt64(0) == 1 && reader.GetInt64(1) <= 1)
            {
                return PersonChange.LastAdmin;
            }
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        if (value is not null)
        {
            command.Parameters.AddWithValue("$v", value);
            command.Parameters.AddWithValue("$s", NewStamp());
        }

        command.ExecuteNonQuery();
        transaction.Commit();
        _endedHere[id] = _time.GetUtcNow();
        return PersonChange.Done;
    }

    /// <summary>A typed user name as stored: trimmed and in NFC (a keyboard may send "ộ" as o + two accents).</summary>
    private static string LookupName(string userName)
    {
        var trimmed = userName.Trim();
        try
        {
            return trimmed.Normalize(System.Text.NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return trimmed; // not text: it matches nobody
        }
    }

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>The user when the password is right and the account enabled; otherwise null (the same for every failure).</summary>
    public DashboardUser? Verify(string userName, string password)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {UserColumns}, password_hash FROM users WHERE user_name = $u";
        command.Parameters.AddWithValue("$u", LookupName(userName));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            _hasher.HashPassword(new DashboardUser(0, userName, userName, Roles.Viewer, default, false), password); // same work either way
            return null;
        }

        var user = ReadUser(reader);
        var result = _hasher.VerifyHashedPassword(user, reader.GetString(7), password);
        return result == PasswordVerificationResult.Failed || user.Disabled ? null : user;
    }

    public IReadOnlyList<DashboardUser> Users()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {UserColumns} FROM users ORDER BY user_name";
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
        if (NameRule.Problem(name, NameOf.Wall, out var trimmed) is { } problem)
        {
            throw new ArgumentException(problem, nameof(name));
        }

        name = trimmed;
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var created = _time.GetUtcNow();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO kiosk_tokens (name, token_hash, created_at) VALUES ($n, $h, $c) RETURNING id";
        command.Parameters.AddWithValue("$n", name);
        command.Parameters.AddWithValue("$h", Hash(secret));
        command.Parameters.AddWithValue("$c", created.ToString("O"));
        return (new KioskToken((long)command.ExecuteScalar()!, name, created, null), secret);
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
        command.Parameters.AddWithValue("$at", _time.GetUtcNow().ToString("O"));
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
            DateTimeOffset.Parse(reader.GetString(4), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(5) != 0, reader.GetString(6));

    private static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    private SqliteConnection Open() => SqliteConnections.OpenDurable(_connectionString);
}
