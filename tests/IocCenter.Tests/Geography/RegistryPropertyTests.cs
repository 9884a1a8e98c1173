using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace IocCenter.Tests.Geography;

/// <summary>Whatever a registry row holds, loading the pack never throws: each row is a device or at least one problem.</summary>
public sealed class RegistryPropertyTests
{
    private static readonly Gen<JsonNode?> AnyValue = Gen.OneOf(
        Gen.Constant<JsonNode?>(null),
        ArbMap.Default.GeneratorFor<double>().Select(d => double.IsFinite(d) ? JsonValue.Create(d) : (JsonNode?)JsonValue.Create(d.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        ArbMap.Default.GeneratorFor<string>().Select(s => (JsonNode?)JsonValue.Create(s)),
        ArbMap.Default.GeneratorFor<bool>().Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Elements("1e400", "-0", "[10.0, 106.0]", "{\"lat\": 10}", "\"10,012\"").Select(text => JsonNode.Parse(text)), // a new node each time: a node has one parent
        Gen.Elements(10.012, 106.015, -90.0, 180.0, 91.0, 0.0).Select(d => (JsonNode?)JsonValue.Create(d)));

    [Property(MaxTest = 200)]
    public Property AnyRow_IsADeviceOrAProblem_NeverAnException() =>
        Prop.ForAll(
            (from id in AnyValue
             from domain in AnyValue
             from area in AnyValue
             from name in AnyValue
             from latitude in AnyValue
             from longitude in AnyValue
             select (id, domain, area, name, latitude, longitude)).ToArbitrary(),
            values =>
            {
                var (id, domain, area, name, latitude, longitude) = values;
                using var pack = new TestPack();
                var row = new JsonObject { ["id"] = id, ["domain"] = domain, ["area"] = area, ["name"] = name, ["latitude"] = latitude, ["longitude"] = longitude };
                File.WriteAllText(pack.PathOf("devices.json"), new JsonArray(row).ToJsonString());

                var (province, problems) = pack.Load();

                return (province is not null && problems.Count == 0 && province.Devices!.Count == 1)
                    || (province is null && problems.Count > 0 && problems.All(p => p.Where == "#0" || p.Where!.StartsWith("#0, id ", StringComparison.Ordinal)));
            });
}
