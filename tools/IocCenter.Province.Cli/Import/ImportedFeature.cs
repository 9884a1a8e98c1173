using NetTopologySuite.Geometries;

namespace IocCenter.Geography.Cli.Import;

/// <summary>A commune as the province's file has it: its index in the file, the chosen fields, and its geometry.</summary>
internal sealed record ImportedFeature(int Index, string? Code, string? Name, string? Type, Geometry Geometry)
{
    public string Values => $"code={Code ?? "∅"}, name={Name ?? "∅"}";
}

/// <summary>A feature matched to its official commune: written with the official code, name and type.</summary>
internal sealed record MatchedArea(ImportedFeature Feature, Packs.OfficialCommune Commune);
