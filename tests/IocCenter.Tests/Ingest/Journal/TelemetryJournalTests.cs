using System.Text;
using IocCenter.Ingest.Journal;

namespace IocCenter.Tests.Ingest.Journal;

public class TelemetryJournalTests : IDisposable
{
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private TelemetryJournal Open(long segmentBytes = 1 << 20) => new(_dir.Path, segmentBytes, TimeProvider.System);

    private static string ReadAll(TelemetryJournal journal, long from)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        for (var position = from; ;)
        {
            var read = journal.Read(position, buffer);
            if (read == 0)
            {
                return text.ToString();
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            position += read;
        }
    }

    [Fact]
    public void NewSegment_SyncsTheJournalDirectory_SoItsNameSurvivesAPowerCut()
    {
        using var journal = Open(segmentBytes: 64);
        var before = DirectorySync.Syncs;
        for (var i = 0; i < 5; i++)
        {
            journal.Append(Encoding.UTF8.GetBytes(new string('x', 70) + "\n"), 1);
            journal.Sync();
        }

        // Five segments of one line each; other tests may sync directories at the same time, so at least five.
        Assert.Equal(5, Directory.GetFiles(_dir.Path, "*.wal").Length);
        Assert.True(DirectorySync.Syncs - before >= 5, $"{DirectorySync.Syncs - before} directory syncs for 5 new segments");
    }

    [Fact]
    public void DirectorySync_MissingDirectory_SaysWhichOne()
    {
        var missing = Path.Combine(_dir.Path, "missing");
        var error = Assert.Throws<IOException>(() => DirectorySync.Flush(missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_IsInvisibleUntilSynced()
    {
        using var journal = Open();
        journal.Append("a 1\nb 2\n"u8, 2);

        Assert.Equal(0, journal.End);
        Assert.Equal(0, journal.PendingLines);

        journal.Sync();

        Assert.Equal(8, journal.End);
        Assert.Equal(2, journal.PendingLines);
        Assert.Equal("a 1\nb 2\n", ReadAll(journal, 0));
    }

    [Fact]
    public void Reopen_KeepsWhatIsNotCheckpointed()
    {
        using (var journal = Open())
        {
            journal.Append("a 1\nb 2\nc 3\n"u8, 3);
            journal.Sync();
            journal.Advance(4, 1);
        }

        using var reopened = Open();
        Assert.Equal(4, reopened.Checkpoint);
        Assert.Equal(2, reopened.PendingLines);
        Assert.Equal("b 2\nc 3\n", ReadAll(reopened, reopened.Checkpoint));
    }

    [Fact]
    public void Reopen_CutsAHalfWrittenLastLine()
    {
        using (var journal = Open())
        {
            journal.Append("a 1\n"u8, 1);
            journal.Sync();
        }

        var segment = Directory.GetFiles(_dir.Path, "*.wal").Single();
        File.AppendAllText(segment, "b 2 torn");

        using var reopened = Open();
        Assert.Equal(4, reopened.End);
        Assert.Equal(1, reopened.PendingLines);

        reopened.Append("c 3\n"u8, 1);
        reopened.Sync();
        Assert.Equal("a 1\nc 3\n", ReadAll(reopened, 0));
    }

    [Fact]
    public void Advance_DeletesSegmentsThatAreFullyStored()
    {
        using var journal = Open(segmentBytes: 7);
        for (var i = 0; i < 5; i++)
        {
            journal.Append("line 1\n"u8, 1);
            journal.Sync();
        }

        Assert.Equal(5, Directory.GetFiles(_dir.Path, "*.wal").Length);

        journal.Advance(21, 3);

        Assert.Equal(2, Directory.GetFiles(_dir.Path, "*.wal").Length);
        Assert.Equal(2, journal.PendingLines);
        Assert.Equal("line 1\nline 1\n", ReadAll(journal, 21));
    }

    [Fact]
    public void Read_NeverCrossesASegmentEnd()
    {
        using var journal = Open(segmentBytes: 4);
        journal.Append("a 1\n"u8, 1);
        journal.Append("b 2\n"u8, 1);
        journal.Sync();

        Assert.Equal(4, journal.Read(0, new byte[100]));
        Assert.Equal(4, journal.Read(4, new byte[100]));
    }

    [Fact]
    public async Task Sync_SignalsDataAvailable()
    {
        using var journal = Open();
        var waiting = journal.DataAvailable.WaitAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        journal.Append("a 1\n"u8, 1);
        journal.Sync();

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
