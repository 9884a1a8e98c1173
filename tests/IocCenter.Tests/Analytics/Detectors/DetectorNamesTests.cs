using System.Text.RegularExpressions;

namespace IocCenter.Tests.Analytics.Detectors;

/// <summary>
/// Every detector name an incident's evidence can carry has a sentence in the console's Vietnamese and English
/// (wwwroot/js/i18n.js): a duty officer read "Cách phát hiện: shift" when issue 16's calibrated stage first opened an
/// incident. The names are found in the analytics' and dashboard's sources, so a new detector cannot be missed.
/// </summary>
public class DetectorNamesTests
{
    private static readonly Regex Name = new("\"(rule\\.[a-z_]+|vn_aqi(?:\\.[a-z_]+)?|status|spike|level_shift|point|shift|burst|pca|series)\"", RegexOptions.CultureInvariant);

    [Fact]
    public void EveryDetectorName_HasAVietnameseAndAnEnglishSentence()
    {
        var root = RepositoryRoot();
        var names = new[] { "analytics/IocCenter.Analytics", "dashboard/IocCenter.Dashboard" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Name.Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("point", names);
        Assert.Contains("shift", names);
        Assert.Contains("burst", names);

        var i18n = File.ReadAllText(Path.Combine(root, "dashboard", "IocCenter.Dashboard", "wwwroot", "js", "i18n.js"));
        var blocks = Regex.Matches(i18n, "detectors: \\{(.*?)\\n\\s*\\},", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, blocks.Count); // Vietnamese, then English
        foreach (var (block, language) in blocks.Zip(new[] { "vi", "en" }))
        {
            var keys = Regex.Matches(block, "(?:'([a-z_.]+)'|([a-z_]+)):\\s*['\"]").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToHashSet(StringComparer.Ordinal);
            var missing = names.Where(n => !keys.Contains(n)).Order(StringComparer.Ordinal).ToList();
            Assert.True(missing.Count == 0, $"{language}: no sentence for detector(s) {string.Join(", ", missing)}");
        }
    }

    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "IocCenter.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("IocCenter.sln not found above " + AppContext.BaseDirectory);
        }

        return root.FullName;
    }
}
