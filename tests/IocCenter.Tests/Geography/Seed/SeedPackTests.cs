using System.Text.Json;
using IocCenter.Geography;
using NetTopologySuite.Geometries;

namespace IocCenter.Tests.Geography.Seed;

public sealed class SeedPackTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iocc-seed-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Packaged(string province) => Path.Combine(AppContext.BaseDirectory, "provinces", province);

    [Theory]
    [InlineData("dong-thap", "82", 102)]
    [InlineData("lang-son", "20", 65)]
    [InlineData("hue", "46", 40)]
    [InlineData("vinh-long", "86", 124)]
    public void SeedPack_Packaged_EveryOfficialCommuneApproximateAndInsideTheOutline(string folder, string code, int communes)
    {
        var (province, problems) = ProvincePack.Load(Packaged(folder));

        Assert.Empty(problems);
        Assert.Equal(code, province!.Code);
        Assert.True(province.ApproximatePositions);
        Assert.Equal(communes, province.Areas.Count);
        using var list = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Packaged(folder), "communes.json")));
        var official = list.RootElement.GetProperty("units").EnumerateArray().Select(u => u.GetProperty("code").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(official, province.Areas.Select(a => a.Code).Order(StringComparer.Ordinal));
        Assert.All(province.Areas, a =>
        {
            Assert.True(a.Approximate);
            Assert.True(province.Outline.Contains(Assert.IsType<Point>(a.Geometry)), $"{a.Name} {a.Geometry} is outside the outline");
        });

        // Spread evenly: no two communes closer than a third of the spacing an even grid would give.
        var spacing = Math.Sqrt(province.Outline.Area / communes);
        var points = province.Areas.Select(a => a.Anchor).ToList();
        var closest = points.Min(p => points.Where(q => !ReferenceEquals(p, q)).Min(q => p.Distance(q)));
        Assert.True(closest > spacing / 3, $"closest pair {closest:0.0000}° vs spacing {spacing:0.0000}°");
        foreach (var file in new[] { "ATTRIBUTION.md", "LICENSE-ODM-CC-BY-SA-4.0", "LICENSE-dvhcvn-MIT" })
        {
            Assert.True(File.Exists(Path.Combine(Packaged(folder), file)), file);
        }

        Assert.Contains("https://creativecommons.org/licenses/by-sa/4.0/legalcode", File.ReadAllText(Path.Combine(Packaged(folder), "LICENSE-ODM-CC-BY-SA-4.0")), StringComparison.Ordinal);
        Assert.Contains("Copyright (c) 2025 dvhcvn", File.ReadAllText(Path.Combine(Packaged(folder), "LICENSE-dvhcvn-MIT")), StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_SameInputsAndSeed_ReproducesThePackagedAreasByteForByte()
    {
        var geo = GeoFolderFrom(Packaged("dong-thap"));

        var first = Seed(geo, "a", 1);
        var again = Seed(geo, "b", 1);
        var other = Seed(geo, "c", 2);

        Assert.Equal(0, first.Exit);
        var packaged = File.ReadAllBytes(Path.Combine(Packaged("dong-thap"), "areas.geojson"));
        Assert.Equal(packaged, File.ReadAllBytes(Path.Combine(_folder, "a", "areas.geojson")));
        Assert.Equal(packaged, File.ReadAllBytes(Path.Combine(_folder, "b", "areas.geojson")));
        Assert.NotEqual(packaged, File.ReadAllBytes(Path.Combine(_folder, "c", "areas.geojson")));
        Assert.Equal(0, again.Exit + other.Exit);
        var (_, problems) = ProvincePack.Load(Path.Combine(_folder, "c"));
        Assert.Empty(problems);
    }

    [Fact]
    public void Seed_CommunesOfOneOldDistrict_SitNextToEachOther()
    {
        var (province, _) = ProvincePack.Load(Packaged("vinh-long"));
        using var list = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Packaged("vinh-long"), "communes.json")));
        var district = list.RootElement.GetProperty("units").EnumerateArray().ToDictionary(
            u => u.GetProperty("code").GetString()!,
            u => u.GetProperty("formed_from")[0].GetProperty("old_district").GetString() + "|" + u.GetProperty("formed_from")[0].GetProperty("old_province").GetString());

        // How often a commune's nearest neighbour comes from the same old district, against what a random placement gives.
        var areas = province!.Areas;
        var same = areas.Count(a => district[areas.Where(b => b != a).MinBy(b => b.Anchor.Distance(a.Anchor))!.Code] == district[a.Code]);
        var random = district.Values.GroupBy(d => d).Sum(g => g.Count() * (g.Count() - 1.0) / (areas.Count - 1));
        Assert.True(same > 4 * random, $"{same}/{areas.Count} vs {random:0.0} at random");
    }

    [Fact]
    public void Seed_MissingSources_Exit2()
    {
        var geo = Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName;

        Assert.Equal(2, Seed(geo, "x", 1).Exit);
    }

    private (int Exit, string Output) Seed(string geo, string pack, int seed)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = IocCenter.Geography.Cli.ProvinceCommand.Run(["seed", "--geo", geo, "--pack", Path.Combine(_folder, pack), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)], output, error);
        return (exit, output + error.ToString());
    }

    // ../shared/geo is not in the repository: rebuild its shape from the packaged pack and a SOURCES.md with the two lines.
    private string GeoFolderFrom(string pack)
    {
        var geo = Directory.CreateDirectory(Path.Combine(_folder, "geo")).FullName;
        File.Copy(Path.Combine(pack, "outline.geojson"), Path.Combine(geo, "province.odm-cc-by-sa-4.0.geojson"));
        File.Copy(Path.Combine(pack, "communes.json"), Path.Combine(geo, "communes.json"));
        File.WriteAllText(Path.Combine(geo, "SOURCES.md"), """
            - **Attribution line to ship:**
              `Province boundaries: test outline; merged by <project>.`
            - **Attribution line to ship:**
              `Commune list and old→new mapping: test list.`
            ```
            MIT License — Copyright (c) 2025 dvhcvn
            ```
            """);
        return geo;
    }
}
