using System.Text.RegularExpressions;

namespace IocCenter.Geography.Cli.Seed;

/// <summary>
/// The attribution lines and the MIT notice the seed packs must ship, read from ../shared/geo/SOURCES.md so that they
/// have one home: "Attribution line to ship:" and the fenced block holding "MIT License".
/// </summary>
internal sealed partial record SeedSources(string OutlineAttribution, string CommunesAttribution, string MitNotice)
{
    public const string Project = "IocCenter";

    public static SeedSources? Find(string geoFolder, out string? error)
    {
        var path = new[] { Path.Combine(geoFolder, "SOURCES.md"), Path.Combine(geoFolder, "..", "SOURCES.md") }.FirstOrDefault(File.Exists);
        if (path is null)
        {
            error = $"không thấy SOURCES.md trong {geoFolder} hoặc thư mục cha / no SOURCES.md in {geoFolder} or its parent";
            return null;
        }

        var text = File.ReadAllText(path);
        var lines = ShipLine().Matches(text).Select(m => Regex.Replace(m.Groups[1].Value, @"\s+", " ").Replace("<project>", Project, StringComparison.Ordinal)).ToList();
        var outline = lines.FirstOrDefault(l => l.StartsWith("Province boundaries", StringComparison.Ordinal));
        var communes = lines.FirstOrDefault(l => l.StartsWith("Commune list", StringComparison.Ordinal));
        var mit = Fenced().Matches(text).Select(m => m.Groups[1].Value).FirstOrDefault(b => b.Contains("MIT License", StringComparison.Ordinal));
        if (outline is null || communes is null || mit is null)
        {
            error = $"{path}: thiếu dòng ghi nguồn hoặc giấy phép MIT / the attribution lines or the MIT notice are missing";
            return null;
        }

        error = null;
        var notice = string.Join('\n', mit.Split('\n').Select(l => l.Trim())).Trim();
        return new(outline, communes, notice);
    }

    [GeneratedRegex(@"\*\*Attribution line to ship:\*\*\s*`([^`]+)`")]
    private static partial Regex ShipLine();

    [GeneratedRegex(@"```\s*\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fenced();
}
