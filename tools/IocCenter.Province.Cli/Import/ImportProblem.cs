using System.Globalization;

namespace IocCenter.Geography.Cli.Import;

/// <summary>
/// One thing wrong with an imported file, on one line: the feature's index and the values it carries, then Vietnamese,
/// then English. <see cref="Feature"/> is null for a problem of the whole file (an official commune missing from it).
/// </summary>
internal sealed record ImportProblem(int? Feature, string? Values, string Vietnamese, string English)
{
    public override string ToString() => Feature is { } index
        ? string.Create(CultureInfo.InvariantCulture, $"đối tượng/feature #{index} ({Values}): {Vietnamese} / {English}")
        : $"{Vietnamese} / {English}";
}
