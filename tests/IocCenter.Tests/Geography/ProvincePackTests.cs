using IocCenter.Geography;
using IocCenter.Telemetry;

namespace IocCenter.Tests.Geography;

public sealed class ProvincePackTests
{
    [Fact]
    public void Load_TestProvince_ReadsAreasAndDevices_AndPlacesTheDeviceWithoutArea()
    {
        using var pack = new TestPack();
        var (province, problems) = pack.Load();

        Assert.Empty(problems);
        Assert.NotNull(province);
        Assert.Equal(("99", "Thử Nghiệm", "Tỉnh Thử Nghiệm", "Asia/Ho_Chi_Minh"), (province.Code, province.Name, province.FullName, province.TimeZone));
        Assert.Equal(["99001", "99004", "99007", "99010", "99013", "99016"], province.Areas.Select(a => a.Code));
        Assert.Equal("đặc khu", province.FindArea("99016")!.Type);
        Assert.All(province.Areas, a => Assert.True(province.Outline.Covers(a.Anchor)));
        Assert.Equal(pack.PathOf("devices.json"), province.RegistryPath);
        var devices = province.Devices!.ToDictionary(d => d.Id);
        Assert.Equal(4, devices.Count);
        Assert.Equal("99013", devices["tn-net-1"].Area); // no area in the file: the commune its position is in
        Assert.Equal(TelemetryDomain.Connectivity, devices["tn-net-1"].Domain);
        Assert.Equal("99016", devices["tn-trf-2"].Area);
    }

    [Fact]
    public void Load_PackagedDongThap_HasItsCommunes_AndNoRegistry()
    {
        var (province, problems) = ProvincePack.Load(ProvinceOptions.DefaultPath);

        Assert.Empty(problems);
        Assert.Equal("Đồng Tháp", province!.Name);
        Assert.Equal(102, province.Areas.Count);
        Assert.Null(province.Devices);
        Assert.Equal(province.Areas.Count, province.Areas.Select(a => a.Code).Distinct().Count());
    }

    [Fact]
    public void Load_RegistryPath_WinsOverThePacksDevices()
    {
        using var pack = new TestPack();
        var registry = pack.PathOf("other-devices.json");
        File.WriteAllText(registry, """[{ "id": "cam-1", "domain": "traffic", "area": "99007" }]""");

        var (province, problems) = pack.Load(registry);

        Assert.Empty(problems);
        Assert.Equal(["cam-1"], province!.Devices!.Select(d => d.Id));
        Assert.Equal(registry, province.RegistryPath);
    }

    [Fact]
    public void Load_WithoutDevicesFile_HasNoRegistry()
    {
        using var pack = new TestPack();
        pack.Edit("province.json", n => n.AsObject().Remove("devices"));

        var (province, problems) = pack.Load();

        Assert.Empty(problems);
        Assert.Null(province!.Devices);
    }

    [Fact]
    public void Load_EveryProblemAtOnce_OneLineEach_NamingFileAndFeature()
    {
        using var pack = new TestPack();
        pack.Edit("province.json", n => n["timeZone"] = "Asia/Sai_Gon_Cu");
        pack.EditArea(1, a => a["properties"]!["code"] = "99001");
        pack.EditArea(2, a => a["geometry"] = Bowtie());
        pack.EditDevice(0, d => (d["latitude"], d["longitude"]) = (106.015, 10.012));
        pack.EditDevice(3, d => d["area"] = "99999");

        var (province, problems) = pack.Load();

        Assert.Null(province);
        Assert.Equal(5, problems.Count);
        Assert.All(problems, p => Assert.DoesNotContain('\n', p.ToString()));
        Assert.Contains(problems, p => p.File.EndsWith("province.json", StringComparison.Ordinal) && p.English.Contains("Asia/Sai_Gon_Cu", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.File.EndsWith("areas.geojson", StringComparison.Ordinal) && p.Where == "feature 1, code 99001" && p.English.StartsWith("duplicate area code 99001", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Where == "feature 2, code 99007" && p.English.StartsWith("invalid geometry: Self-intersection", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.File.EndsWith("devices.json", StringComparison.Ordinal) && p.Where == "#0, id tn-trf-1" && p.English.StartsWith("coordinates look swapped", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Where == "#3, id tn-trf-2" && p.English == "area 99999 does not exist in the province pack");
    }

    /// <summary>A ring that crosses itself (a figure eight) inside the test province.</summary>
    internal static System.Text.Json.Nodes.JsonNode Bowtie() => System.Text.Json.Nodes.JsonNode.Parse(
        """{ "type": "Polygon", "coordinates": [[[106.09, 10.005], [106.11, 10.025], [106.11, 10.005], [106.09, 10.025], [106.09, 10.005]]] }""")!;
}
