using System.Text.Json;
using System.Text.Json.Nodes;
using IocCenter.Geography;

namespace IocCenter.Tests.Geography;

/// <summary>A copy of the test province (tests/shared/provinces/thu-nghiem) in a temporary folder, for a test to break.</summary>
internal sealed class TestPack : IDisposable
{
    public static string Source { get; } = Path.Combine(AppContext.BaseDirectory, "test-provinces", "thu-nghiem");

    /// <summary>The packaged Đồng Tháp pack (the default <c>Province:Path</c>), read once.</summary>
    public static Province DongThap => DongThapPack.Value;

    private static readonly Lazy<Province> DongThapPack = new(() => ProvincePack.Open());

    public TestPack()
    {
        Folder = Directory.CreateTempSubdirectory("iocc-pack-").FullName;
        foreach (var file in Directory.GetFiles(Source))
        {
            File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
        }
    }

    public string Folder { get; }

    public string PathOf(string file) => Path.Combine(Folder, file);

    public (Province? Province, IReadOnlyList<PackProblem> Problems) Load(string? registryPath = null) => ProvincePack.Load(Folder, registryPath);

    public void Write(string file, string text) => File.WriteAllText(PathOf(file), text);

    /// <summary>Changes a JSON file of the pack in place.</summary>
    public void Edit(string file, Action<JsonNode> change)
    {
        var node = JsonNode.Parse(File.ReadAllText(PathOf(file)))!;
        change(node);
        File.WriteAllText(PathOf(file), node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The <paramref name="index"/>th feature of areas.geojson.</summary>
    public void EditArea(int index, Action<JsonObject> change) => Edit("areas.geojson", n => change(n["features"]![index]!.AsObject()));

    public void EditDevice(int index, Action<JsonObject> change) => Edit("devices.json", n => change(n[index]!.AsObject()));

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
