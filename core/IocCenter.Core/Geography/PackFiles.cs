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
            if (!info.Exists)
            {
                problems.Add(new(path, null, "không đọc được tệp (không có tệp này)", "cannot read the file (it does not exist)"));
                return null;
            }

            // Never read to the end of the stream: a pipe or /dev/zero has no end. A pipe cannot seek; a device reads as
            // its stated length (0 for /dev/zero), which the JSON reader then calls empty.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
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

    private static string Shown(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 60), "…");
}
