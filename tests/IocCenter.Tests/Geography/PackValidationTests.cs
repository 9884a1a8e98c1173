using System.Text.Json.Nodes;
using IocCenter.Geography;

namespace IocCenter.Tests.Geography;

/// <summary>Each check of docs/province-pack.md on its own: the problem's file, feature or row, and its message in both languages.</summary>
public sealed class PackValidationTests
{
    public static TheoryData<string> Cases => [.. Breakages.Keys];

    private static readonly Dictionary<string, (Action<TestPack> Break, string File, string? Where, string Vietnamese, string English)> Breakages = new()
    {
        ["manifest: invalid JSON"] = (p => p.Write("province.json", "{\n  \"code\": \"99\",\n  \"name\": \n}"), "province.json", "dòng / line 4", "JSON/GeoJSON không hợp lệ", "invalid JSON/GeoJSON"),
        ["manifest: missing code"] = (p => p.Edit("province.json", n => n.AsObject().Remove("code")), "province.json", "code", "thiếu hoặc sai mã tỉnh", "missing or invalid province code"),
        ["manifest: missing name"] = (p => p.Edit("province.json", n => n["name"] = " "), "province.json", "name", "thiếu tên tỉnh", "missing province name"),
        ["manifest: unknown time zone"] = (p => p.Edit("province.json", n => n["timeZone"] = "Mars/Olympus_Mons"), "province.json", "timeZone", "múi giờ \"Mars/Olympus_Mons\" không có", "time zone \"Mars/Olympus_Mons\" is not a known IANA zone"),
        ["manifest: format 2"] = (p => p.Edit("province.json", n => n["format"] = 2), "province.json", "format", "phiên bản định dạng 2", "format 2 is not supported"),
        ["areas: not GeoJSON"] = (p => p.EditArea(2, a => a["geometry"]!["type"] = "Polygn"), "areas.geojson", "feature 2", "GeoJSON không hợp lệ", "invalid"),
        ["areas: a line"] = (p => p.EditArea(0, a => a["geometry"] = JsonNode.Parse("""{ "type": "LineString", "coordinates": [[106.01, 10.01], [106.02, 10.02]] }""")), "areas.geojson", "feature 0, code 99001", "hình học phải là Polygon, MultiPolygon hoặc Point, không phải LineString", "the geometry must be a Polygon, MultiPolygon or Point, not LineString"),
        ["areas: no code"] = (p => p.EditArea(1, a => a["properties"]!.AsObject().Remove("code")), "areas.geojson", "feature 1", "thiếu thuộc tính \"code\"", "missing property \"code\""),
        ["areas: no name"] = (p => p.EditArea(3, a => a["properties"]!.AsObject().Remove("name")), "areas.geojson", "feature 3, code 99010", "thiếu thuộc tính \"name\"", "missing property \"name\""),
        ["areas: a district"] = (p => p.EditArea(3, a => a["properties"]!["type"] = "huyện"), "areas.geojson", "feature 3, code 99010", "loại \"huyện\" không hợp lệ", "type \"huyện\" is not one of xã, phường, đặc khu"),
        ["areas: a code no device id can carry"] = (p => p.EditArea(4, a => a["properties"]!["code"] = "../x y"), "areas.geojson", "feature 4, code ../x y", "mã xã \"../x y\" không hợp lệ", "area code \"../x y\" is not valid"),
        ["areas: duplicate code"] = (p => p.EditArea(4, a => a["properties"]!["code"] = "99004"), "areas.geojson", "feature 4, code 99004", "trùng mã xã 99004 (đã có ở feature 1)", "duplicate area code 99004 (already at feature 1)"),
        ["areas: self-intersecting"] = (p => p.EditArea(2, a => a["geometry"] = ProvincePackTests.Bowtie()), "areas.geojson", "feature 2, code 99007", "hình học không hợp lệ: đường biên tự cắt nhau tại (vĩ độ, kinh độ) 10.015, 106.1", "invalid geometry: Self-intersection at (lat, lon) 10.015, 106.1"),
        ["areas: outside the outline"] = (p => p.EditArea(5, a => a["geometry"] = JsonNode.Parse("""{ "type": "Point", "coordinates": [106.3, 10.05] }""")), "areas.geojson", "feature 5, code 99016", "nằm ngoài ranh giới tỉnh", "lies outside the province outline"),
        ["outline: a point"] = (p => p.Edit("outline.geojson", n => n["features"]![0]!["geometry"] = JsonNode.Parse("""{ "type": "Point", "coordinates": [106.05, 10.03] }""")), "outline.geojson", "feature 0", "ranh giới phải là Polygon hoặc MultiPolygon, không phải Point", "the outline must be a Polygon or MultiPolygon, not Point"),
        ["devices: invalid JSON"] = (p => p.Write("devices.json", "[\n  { \"id\": \"a\", }\n]"), "devices.json", "dòng / line 2", "JSON không hợp lệ", "invalid JSON"),
        ["devices: not an array"] = (p => p.Write("devices.json", "{ \"id\": \"a\" }"), "devices.json", null, "phải là một mảng JSON", "must be a JSON array"),
        ["devices: unknown domain"] = (p => p.EditDevice(1, d => d["domain"] = "weather"), "devices.json", "#1, id tn-env-1", "lĩnh vực \"weather\" không hợp lệ", "unknown domain \"weather\""),
        ["devices: duplicate id"] = (p => p.EditDevice(3, d => d["id"] = "tn-trf-1"), "devices.json", "#3, id tn-trf-1", "trùng mã thiết bị tn-trf-1 (đã có ở #0)", "duplicate device id tn-trf-1 (already at #0)"),
        ["devices: invalid id"] = (p => p.EditDevice(3, d => d["id"] = "cầu 1"), "devices.json", "#3, id cầu 1", "mã thiết bị \"cầu 1\" không hợp lệ", "invalid device id \"cầu 1\""),
        ["devices: outside the province"] = (p => p.EditDevice(1, d => (d["latitude"], d["longitude"]) = (21.03, 105.85)), "devices.json", "#1, id tn-env-1", "thiết bị nằm ngoài tỉnh Thử Nghiệm (latitude 21.03, longitude 105.85)", "the device is outside the province Thử Nghiệm (latitude 21.03, longitude 105.85)"),
        ["devices: swapped coordinates"] = (p => p.EditDevice(2, d => (d["latitude"], d["longitude"]) = (106.06, 10.05)), "devices.json", "#2, id tn-net-1", "tọa độ có vẻ bị đảo (latitude 106.06, longitude 10.05)", "coordinates look swapped (latitude 106.06, longitude 10.05): with latitude and longitude exchanged the device is inside the province"),
        ["devices: unknown area"] = (p => p.EditDevice(3, d => d["area"] = "28249"), "devices.json", "#3, id tn-trf-2", "xã/phường mã 28249 không có trong gói tỉnh", "area 28249 does not exist in the province pack"),
        ["devices: nowhere"] = (p => p.EditDevice(2, d => { d.Remove("latitude"); d.Remove("longitude"); }), "devices.json", "#2, id tn-net-1", "thiếu mã xã (area) và tọa độ", "no area and no coordinates"),
        ["devices: a coordinate as text"] = (p => p.EditDevice(2, d => d["latitude"] = "10,05"), "devices.json", "#2, id tn-net-1", "latitude phải là một số (độ thập phân, dấu chấm: 10.4567), không phải \"10,05\"", "latitude must be a number (decimal degrees with a point: 10.4567), not \"10,05\""),
        ["devices: out of range"] = (p => p.EditDevice(1, d => (d["latitude"], d["longitude"]) = (95.5, 1234.5)), "devices.json", "#1, id tn-env-1", "tọa độ ngoài phạm vi (latitude 95.5, longitude 1234.5)", "coordinates out of range (latitude 95.5, longitude 1234.5)"),
        ["manifest: areas outside the pack"] = (p => p.Edit("province.json", n => n["areas"] = "../../etc/passwd"), "province.json", "areas", "tệp \"../../etc/passwd\" phải nằm trong thư mục gói tỉnh", "the file \"../../etc/passwd\" must be inside the pack folder"),
        ["manifest: registry at an absolute path"] = (p => p.Edit("province.json", n => n["devices"] = "/etc/hostname"), "province.json", "devices", "phải nằm trong thư mục gói tỉnh", "must be inside the pack folder"),
        ["devices: half a position"] = (p => p.EditDevice(2, d => d.Remove("longitude")), "devices.json", "#2, id tn-net-1", "cần cả latitude và longitude", "give both latitude and longitude"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_BrokenPack_ReportsExactlyThatProblem_InBothLanguages(string name)
    {
        var (breakIt, file, where, vietnamese, english) = Breakages[name];
        using var pack = new TestPack();
        breakIt(pack);

        var (province, problems) = pack.Load();

        Assert.Null(province);
        var problem = Assert.Single(problems);
        Assert.Equal(pack.PathOf(file), problem.File);
        Assert.Equal(where, problem.Where);
        Assert.Contains(vietnamese, problem.Vietnamese, StringComparison.Ordinal);
        Assert.Contains(english, problem.English, StringComparison.Ordinal);
        Assert.Equal($"{problem.File}{(where is null ? "" : $" ({where})")}: {problem.Vietnamese} / {problem.English}", problem.ToString());
    }

    [Fact]
    public void Load_MissingFolder_SaysTheFileCannotBeRead()
    {
        var (province, problems) = ProvincePack.Load(Path.Combine(Path.GetTempPath(), "iocc-no-such-pack"));

        Assert.Null(province);
        Assert.Contains("cannot read the file", Assert.Single(problems).English, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("outline.geojson", "{ \"type\": \"FeatureCollection\", ")]
    [InlineData("areas.geojson", "not json")]
    public void Load_UnusableOutlineOrAreas_StillReportsTheRegistrysProblems(string broken, string text)
    {
        // One start must say everything that is wrong: a broken map file does not hide a bad registry row.
        using var pack = new TestPack();
        pack.Write(broken, text);
        pack.EditDevice(0, d => d["domain"] = "weather");
        pack.EditDevice(2, d => d["latitude"] = "x");

        var (province, problems) = pack.Load();

        Assert.Null(province);
        Assert.Equal(3, problems.Count);
        Assert.Equal(pack.PathOf(broken), problems[0].File);
        Assert.Contains(problems, p => p.Where == "#0, id tn-trf-1" && p.English.StartsWith("unknown domain \"weather\"", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Where == "#2, id tn-net-1" && p.English.StartsWith("latitude must be a number", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnusableAreas_StillChecksPositionsAgainstTheOutline()
    {
        // Review of issue 15: only the outline is needed to say a device is outside the province or swapped.
        using var pack = new TestPack();
        pack.Write("areas.geojson", "not json");
        pack.EditDevice(1, d => (d["latitude"], d["longitude"]) = (21.03, 105.85));
        pack.EditDevice(2, d => (d["latitude"], d["longitude"]) = (106.06, 10.05));

        var (_, problems) = pack.Load();

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Where == "#1, id tn-env-1" && p.English.StartsWith("the device is outside the province", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Where == "#2, id tn-net-1" && p.English.StartsWith("coordinates look swapped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Load_RegistryThatIsAPipe_IsOneProblem_NotAHang()
    {
        using var pack = new TestPack();
        var fifo = pack.PathOf("devices.json");
        File.Delete(fifo);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // A hang fails the test after 30 s (WaitAsync) rather than stopping the run.
        var (_, problems) = await Task.Run(() => pack.Load()).WaitAsync(TimeSpan.FromSeconds(30));

        var problem = Assert.Single(problems);
        Assert.Equal(fifo, problem.File);
        Assert.Contains("not a regular file", problem.English, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_FileBehindASymbolicLink_IsRefused(bool linkedFolder)
    {
        // Review of issue 15: the name stayed inside the pack, the link led out of it (to /etc/passwd, another pack).
        using var pack = new TestPack();
        using var elsewhere = new TestPack();
        if (linkedFolder)
        {
            Directory.CreateSymbolicLink(pack.PathOf("data"), elsewhere.Folder);
            pack.Edit("province.json", n => n["areas"] = "data/areas.geojson");
        }
        else
        {
            File.Delete(pack.PathOf("areas.geojson"));
            File.CreateSymbolicLink(pack.PathOf("areas.geojson"), elsewhere.PathOf("areas.geojson"));
        }

        var (province, problems) = pack.Load();

        Assert.Null(province);
        var problem = Assert.Single(problems);
        Assert.Equal(pack.PathOf("province.json"), problem.File);
        Assert.Equal("areas", problem.Where);
        Assert.Contains($"goes through the symbolic link {(linkedFolder ? "data" : "areas.geojson")}", problem.English, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TypeInDecomposedUnicode_IsTheSameWord()
    {
        using var pack = new TestPack();
        pack.EditArea(3, a => a["properties"]!["type"] = "xã".Normalize(System.Text.NormalizationForm.FormD));

        var (province, problems) = pack.Load();

        Assert.Empty(problems);
        Assert.Equal("xã", province!.FindArea("99010")!.Type);
    }

    [Fact]
    public void Load_RegistryThatIsADevice_IsOneProblem_NotAHang()
    {
        using var pack = new TestPack();

        var (province, problems) = pack.Load(registryPath: "/dev/zero");

        Assert.Null(province);
        var problem = Assert.Single(problems);
        Assert.Equal("/dev/zero", problem.File);
        Assert.Contains("invalid JSON", problem.English, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileOverTheLimit_SaysSoWithoutReadingIt()
    {
        using var pack = new TestPack();
        using (var file = File.OpenWrite(pack.PathOf("areas.geojson")))
        {
            file.SetLength(65L * 1024 * 1024); // sparse: no 65 MB written
        }

        var (_, problems) = pack.Load();

        var problem = Assert.Single(problems);
        Assert.Equal(pack.PathOf("areas.geojson"), problem.File);
        Assert.Contains("the file is too large (65 MB; at most 64 MB)", problem.English, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_BrokenPack_ThrowsWithEveryProblem()
    {
        using var pack = new TestPack();
        pack.EditDevice(0, d => d["domain"] = "weather");
        pack.EditDevice(1, d => d["area"] = "1");

        var error = Assert.Throws<InvalidDataException>(() => ProvincePack.Open(pack.Folder));

        Assert.Contains("unknown domain \"weather\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("area 1 does not exist", error.Message, StringComparison.Ordinal);
    }
}
