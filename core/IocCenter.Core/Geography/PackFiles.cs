using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace IocCenter.Geography;

/// <summary>
/// The files a pack names, read safely: a name in <c>province.json</c> stays inside the pack folder, and a file is read
/// only when it is a regular file of a size a province's geography can have (a typo pointing at /dev/zero, a log or a
/// 10 GB raster must not hang or exhaust the host at start).
/// </summary>
internal static class PackFiles
{
    /// <summary>Larger than any pack we have seen by far (the 124 communes of Vĩnh Long, simplified: under 1 MB).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>The pack file <paramref name="name"/> (from <c>province.json</c> field <paramref name="field"/>), or null with a problem when it leaves the folder.</summary>
    public static string? Resolve(string folder, string manifestPath, string field, string? name, string fallback, List<PackProblem> problems)
    {
        var file = string.IsNullOrEmpty(name) ? fallback : name;
        var root = Path.GetFullPath(folder);
        var full = Path.GetFullPath(Path.Combine(root, file));
        var inside = full.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        if (inside && file.IndexOfAny(Path.GetInvalidPathChars()) < 0)
        {
            // The text stays inside; a link on the way (the file, or a folder between) could still lead out of it.
            if (LinkOnTheWay(root, full) is { } link)
            {
                problems.Add(new(manifestPath, field,
                    $"\"{Shown(file)}\" đi qua liên kết tượng trưng {Shown(link)}: tệp của gói phải là tệp thật trong thư mục gói",
                    $"\"{Shown(file)}\" goes through the symbolic link {Shown(link)}: a pack's files must be real files inside the pack folder"));
                return null;
            }

            return full;
        }

        problems.Add(new(manifestPath, field,
            $"tệp \"{Shown(file)}\" phải nằm trong thư mục gói tỉnh (tên tệp tương đối, không có \"..\")",
            $"the file \"{Shown(file)}\" must be inside the pack folder (a relative name, no \"..\")"));
        return null;
    }

    /// <summary>The whole file, or null with a problem: missing, unreadable, not a regular file, or over <see cref="MaxBytes"/>.</summary>
    public static byte[]? Read(string path, List<PackProblem> problems)
    {
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path))
            {
                problems.Add(new(path, null, "đây là một thư mục, không phải tệp", "this is a folder, not a file"));
                return null;
            }

            if (!info.Exists)
            {
                problems.Add(new(path, null, "không đọc được tệp (không có tệp này)", "cannot read the file (it does not exist)"));
                return null;
            }

            // Never read to the end of the stream: a pipe or /dev/zero has no end. A pipe cannot seek; a device reads as
            // its stated length (0 for /dev/zero), which the JSON reader then calls empty.
            using var stream = OpenNow(path);
            if (!stream.CanSeek)
            {
                problems.Add(new(path, null, "không phải tệp thường (pipe hoặc socket)", "not a regular file (a pipe or a socket)"));
                return null;
            }

            if (stream.Length > MaxBytes)
            {
                problems.Add(new(path, null,
                    $"tệp quá lớn ({stream.Length / (1024 * 1024)} MB; tối đa {MaxBytes / (1024 * 1024)} MB): hãy đơn giản hóa hình học (iocc-province import --tolerance)",
                    $"the file is too large ({stream.Length / (1024 * 1024)} MB; at most {MaxBytes / (1024 * 1024)} MB): simplify the geometry (iocc-province import --tolerance)"));
                return null;
            }

            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new(path, null, $"không đọc được tệp ({e.Message})", $"cannot read the file ({e.Message})"));
            return null;
        }
    }

    /// <summary>The first symbolic link among the folders below <paramref name="root"/> down to <paramref name="full"/>, and the file itself.</summary>
    private static string? LinkOnTheWay(string root, string full)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(root);
        for (var path = full; path.Length > trimmed.Length; path = Path.GetDirectoryName(path) ?? trimmed)
        {
            FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
            if (info.Exists && info.LinkTarget is not null)
            {
                return Path.GetRelativePath(trimmed, path);
            }
        }

        return null;
    }

    /// <summary>
    /// Opens for reading without waiting: on Linux with O_NONBLOCK, so a FIFO (which blocks an ordinary open until
    /// something writes to it) opens at once and is then refused as unseekable. Elsewhere an ordinary open.
    /// </summary>
    private static FileStream OpenNow(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }

        const int ReadOnlyNonBlocking = 0x800; // O_RDONLY | O_NONBLOCK (Linux)
        int descriptor;
        try
        {
            descriptor = NativeMethods.Open(path, ReadOnlyNonBlocking);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc the runtime cannot find by that name (not seen on Debian): an ordinary open, as elsewhere.
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }

        if (descriptor < 0)
        {
            throw new IOException($"open: errno {Marshal.GetLastPInvokeError()}");
        }

        return new FileStream(new SafeFileHandle(descriptor, ownsHandle: true), FileAccess.Read, 1);
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open(string path, int flags);
    }

    private static string Shown(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 60), "…");
}
