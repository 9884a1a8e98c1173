using System.Runtime.InteropServices;

namespace IocCenter.Ingest.Journal;

/// <summary>
/// fsync of a directory. On POSIX file systems a newly created file's name is durable only once its directory is
/// synced: without it, a power cut right after a journal segment was created could lose the whole segment, although
/// every line in it was fsynced and acknowledged to its device. Windows (NTFS journals its metadata) needs nothing.
/// </summary>
internal static partial class DirectorySync
{
    private const int EBadFile = 9;
    private const int EInvalid = 22;

    // O_RDONLY | O_DIRECTORY | O_CLOEXEC (Linux values; macOS: O_DIRECTORY 0x100000, O_CLOEXEC 0x1000000).
    private static readonly int OpenReadOnlyDirectory = OperatingSystem.IsMacOS() ? 0x100000 | 0x1000000 : 0x10000 | 0x80000;

    private static long _syncs;

    /// <summary>How many directory syncs this process made (for tests and diagnostics).</summary>
    public static long Syncs => Interlocked.Read(ref _syncs);

    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, OpenReadOnlyDirectory);
        if (fd < 0)
        {
            throw new IOException($"không mở được thư mục / cannot open the directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            // EINVAL / EBADF: a file system that cannot sync a directory (some FUSE and bind mounts); as PostgreSQL
            // does, take that as nothing to do rather than refuse to run there.
            if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is not (EInvalid or EBadFile))
            {
                throw new IOException($"không đồng bộ được thư mục / fsync of the directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }

            Interlocked.Increment(ref _syncs);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
