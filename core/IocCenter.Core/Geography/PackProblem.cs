namespace IocCenter.Geography;

/// <summary>One thing wrong in a province pack, said so a province IT person can fix it: the file, the feature or row, and why.</summary>
public sealed record PackProblem(string File, string? Where, string Vietnamese, string English)
{
    public override string ToString() => Where is null
        ? $"{File}: {Vietnamese} / {English}"
        : $"{File} ({Where}): {Vietnamese} / {English}";
}
