using System.Text.Json;
using System.Text.Json.Serialization;

namespace IocCenter.Geography.Cli.Packs;

/// <summary>
/// The official commune list of a pack (<c>communes.json</c>, the ../shared/geo format): the units in force since
/// 1 July 2025, each with the old units it was formed from. Imports are matched against it; seeds place its units.
/// </summary>
internal sealed record CommuneList(OfficialProvince Province, IReadOnlyList<OfficialCommune> Units)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static CommuneList Load(string path)
    {
        var list = JsonSerializer.Deserialize<CommuneList>(File.ReadAllBytes(path), Options)
            ?? throw new InvalidDataException($"{path}: tệp rỗng / empty file");
        if (list.Province is null || list.Units is null || list.Units.Count == 0)
        {
            throw new InvalidDataException($"{path}: thiếu province hoặc units / no province or no units");
        }

        return list;
    }
}

internal sealed record OfficialProvince(string Code, string Name);

internal sealed record OfficialCommune(
    string Code,
    string Name,
    string ShortName,
    string Type,
    IReadOnlyList<OldUnit>? FormedFrom)
{
    /// <summary>The old district and province most of the unit came from: the first old unit, as listed.</summary>
    [JsonIgnore]
    public OldUnit? Origin => FormedFrom is { Count: > 0 } from ? from[0] : null;
}

internal sealed record OldUnit(string Code, string Name, string? OldDistrict, string? OldProvince);
