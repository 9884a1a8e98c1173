using Microsoft.Data.Sqlite;

namespace IocCenter.Storage.Sqlite;

/// <summary>How every durable SQLite file here is opened: a write that returned is on disk, and a busy file is waited for.</summary>
public static class SqliteConnections
{
    public static SqliteConnection OpenDurable(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;";
        pragma.ExecuteNonQuery();
        return connection;
    }
}
