using IocCenter.Geography.Cli.Packs;

namespace IocCenter.Geography.Cli.Import;

/// <summary>
/// Matches imported features to the official commune list: by code, else by normalised name. A misspelt name (one or
/// two letters off), an outdated unit (an old commune named in some <c>formed_from</c>), a duplicate and an official
/// commune missing from the file are each reported. A misspelt feature is kept under its close official match.
/// </summary>
internal sealed class CommuneMatcher(CommuneList list)
{
    private readonly Dictionary<string, OfficialCommune> _byCode = list.Units.ToDictionary(u => u.Code, StringComparer.Ordinal);
    private readonly ILookup<string, OfficialCommune> _byName = list.Units
        .SelectMany(u => new[] { (Key: CommuneNames.Key(u.Name), Unit: u), (Key: CommuneNames.Key(u.ShortName), Unit: u) })
        .Distinct()
        .ToLookup(p => p.Key, p => p.Unit, StringComparer.Ordinal);

    private readonly ILookup<string, OfficialCommune> _byOldName = list.Units
        .SelectMany(u => (u.FormedFrom ?? []).Select(o => (Key: CommuneNames.Key(o.Name), Unit: u)))
        .Distinct()
        .ToLookup(p => p.Key, p => p.Unit, StringComparer.Ordinal);

    public (IReadOnlyList<MatchedArea> Matched, IReadOnlyList<ImportProblem> Problems) Match(IReadOnlyList<ImportedFeature> features)
    {
        var problems = new List<ImportProblem>();
        var taken = new Dictionary<string, ImportedFeature>(StringComparer.Ordinal);
        var matched = new List<MatchedArea>();
        var unmatched = new List<ImportedFeature>();
        foreach (var feature in features)
        {
            var unit = Exact(feature, problems);
            if (unit is null)
            {
                unmatched.Add(feature);
            }
            else
            {
                Take(feature, unit, taken, matched, problems);
            }
        }

        foreach (var feature in unmatched)
        {
            var key = CommuneNames.Key(feature.Name);
            var close = Closest(key);
            if (_byOldName[key].ToList() is { Count: > 0 } successors)
            {
                var names = string.Join(", ", successors.Take(3).Select(u => $"{u.Name} ({u.Code})"));
                problems.Add(new(feature.Index, feature.Values,
                    $"đơn vị cũ, không còn trong danh sách chính thức; đã sáp nhập vào {names}; bỏ qua",
                    $"outdated unit, not in the official list; merged into {names}; skipped"));
            }
            else if (close is not null)
            {
                problems.Add(new(feature.Index, feature.Values,
                    $"tên viết sai? gần với '{close.Name}' (mã {close.Code}); tạm ghép vào đơn vị đó",
                    $"misspelt name? close to '{close.Name}' (code {close.Code}); matched to it"));
                Take(feature, close, taken, matched, problems);
            }
            else
            {
                problems.Add(new(feature.Index, feature.Values,
                    "không có trong danh sách xã chính thức của tỉnh; bỏ qua",
                    "not in the province's official commune list; skipped"));
            }
        }

        foreach (var unit in list.Units.Where(u => !taken.ContainsKey(u.Code)))
        {
            problems.Add(new(null, null,
                $"thiếu {unit.Name} (mã {unit.Code}) trong tệp",
                $"{unit.Name} (code {unit.Code}) is missing from the file"));
        }

        return (matched, problems.OrderBy(p => p.Feature ?? int.MaxValue).ToList());
    }

    private OfficialCommune? Exact(ImportedFeature feature, List<ImportProblem> problems)
    {
        var key = CommuneNames.Key(feature.Name);
        if (!string.IsNullOrWhiteSpace(feature.Code) && _byCode.TryGetValue(feature.Code.Trim(), out var byCode))
        {
            if (key.Length > 0 && key != CommuneNames.Key(byCode.Name) && key != CommuneNames.Key(byCode.ShortName))
            {
                problems.Add(new(feature.Index, feature.Values,
                    $"mã {byCode.Code} là '{byCode.Name}' trong danh sách chính thức, tên trong tệp khác; dùng tên chính thức",
                    $"code {byCode.Code} is '{byCode.Name}' in the official list, the file's name differs; the official name is used"));
            }

            return byCode;
        }

        var byName = _byName[key].ToList();
        if (byName.Count > 1 && feature.Type is { } type)
        {
            byName = byName.Where(u => CommuneNames.Key(u.Type) == CommuneNames.Key(type)).ToList();
        }

        return byName.Count == 1 ? byName[0] : null;
    }

    private OfficialCommune? Closest(string key)
    {
        if (key.Length == 0)
        {
            return null;
        }

        var bare = CommuneNames.Bare(key);
        var limit = Math.Max(1, bare.Length / 6);
        OfficialCommune? best = null;
        var bestDistance = int.MaxValue;
        foreach (var unit in list.Units)
        {
            var distance = CommuneNames.Distance(bare, CommuneNames.Bare(CommuneNames.Key(unit.ShortName)));
            if (distance <= limit && distance < bestDistance)
            {
                (best, bestDistance) = (unit, distance);
            }
        }

        return best;
    }

    private static void Take(ImportedFeature feature, OfficialCommune unit, Dictionary<string, ImportedFeature> taken, List<MatchedArea> matched, List<ImportProblem> problems)
    {
        if (taken.TryGetValue(unit.Code, out var first))
        {
            problems.Add(new(feature.Index, feature.Values,
                $"trùng: {unit.Name} (mã {unit.Code}) đã có ở đối tượng #{first.Index}; bỏ qua",
                $"duplicate: {unit.Name} (code {unit.Code}) is already feature #{first.Index}; skipped"));
            return;
        }

        taken[unit.Code] = feature;
        matched.Add(new(feature, unit));
    }
}
