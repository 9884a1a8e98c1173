using Microsoft.Data.Sqlite;

namespace IocCenter.IntegrationTests;

/// <summary>A fresh data folder for one test (journal, dead letters, incident database), removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "iocc-it-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools(); // SQLite keeps pooled handles to the incident database open
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
