using System.Globalization;
using System.Text.Json;
using IocCenter.Geography.Cli.Packs;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace IocCenter.Geography.Cli.Import;

/// <summary>The settings of one <c>import</c> run, from the command line.</summary>
internal sealed record ImportRequest(string Input, string CodeField, string NameField, string? TypeField, string Pack, string? Crs, double ToleranceMetres, bool Force);

/// <summary>
/// <c>iocc-province import</c>: a province's commune polygons (Shapefile or GeoJSON) → the pack's <c>areas.geojson</c>,
/// converted to WGS84, simplified, repaired and matched against the pack's official <c>communes.json</c>.
/// Exit 0: written, nothing to report; 1: problems reported, written anyway (--force); 2: bad input, nothing written.
/// </summary>
internal static class ImportCommand
{
    public static int Run(ImportRequest request, TextWriter output, TextWriter error)
    {
        // The files the pack's province.json names (an import must write the areas the services will read).
        var communesPath = PackFile(request.Pack, "communes", "communes.json");
        var areasPath = PackFile(request.Pack, "areas", "areas.geojson");
        if (!File.Exists(communesPath))
        {
            error.WriteLine($"Thiếu danh sách xã chính thức / The official commune list is missing: {communesPath}");
            return 2;
        }

        CommuneList list;
        try
        {
            list = CommuneList.Load(communesPath);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or IOException)
        {
            error.WriteLine($"Không đọc được / Cannot read {communesPath}: {e.Message}");
            return 2;
        }

        var (features, system, readError) = FeatureFile.Read(request.Input, request.Crs);
        if (system is null)
        {
            error.WriteLine(readError);
            return 2;
        }

        if (features.Count == 0)
        {
            error.WriteLine($"Tệp không có đối tượng nào / The file has no features: {request.Input}");
            return 2;
        }

        var names = FeatureFile.FieldNames(features);
        var codeField = FeatureFile.FindField(names, request.CodeField);
        var nameField = FeatureFile.FindField(names, request.NameField);
        var typeField = request.TypeField is null ? null : FeatureFile.FindField(names, request.TypeField);
        foreach (var (wanted, found) in new[] { (request.CodeField, codeField), (request.NameField, nameField), (request.TypeField, typeField) })
        {
            if (wanted is not null && found is null)
            {
                error.WriteLine($"Không có trường '{wanted}' trong tệp; các trường có: {string.Join(", ", names)} / No field '{wanted}' in the file; its fields are: {string.Join(", ", names)}");
                return 2;
            }
        }

        output.WriteLine($"{request.Input}: {features.Count} đối tượng / features, hệ tọa độ / coordinate system {system.Description}");
        var problems = new List<ImportProblem>();
        var imported = Convert(features, system, codeField!, nameField!, typeField, problems);
        var bytesBefore = Bytes(imported);
        var simplified = AreaSimplifier.Simplify(imported.Select(f => f.Geometry).ToList(), request.ToleranceMetres);
        foreach (var index in simplified.Repaired)
        {
            output.WriteLine($"đối tượng/feature #{imported[index].Index} ({imported[index].Values}): hình không hợp lệ, đã sửa (GeometryFixer) / invalid polygon, repaired");
        }

        imported = imported.Select((f, i) => f with { Geometry = simplified.Geometries[i] }).ToList();
        var (matched, matchProblems) = new CommuneMatcher(list).Match(imported);
        problems.AddRange(matchProblems);
        foreach (var problem in problems.OrderBy(p => p.Feature ?? int.MaxValue))
        {
            error.WriteLine(problem);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Đơn giản hóa / simplified ({request.ToleranceMetres} m, {(simplified.AsCoverage ? "CoverageSimplifier" : "TopologyPreservingSimplifier")}): {simplified.VerticesBefore} → {simplified.VerticesAfter} đỉnh/vertices"));
        if (problems.Count > 0 && !request.Force)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{problems.Count} vấn đề; chưa ghi {areasPath}. Sửa tệp, hoặc thêm --force để vẫn ghi / {problems.Count} problems; {areasPath} not written. Fix the file, or add --force to write it anyway"));
            return 2;
        }

        var areas = matched.OrderBy(m => m.Commune.Code, StringComparer.Ordinal).Select(m => new AreaRecord(m.Commune, m.Feature.Geometry, Approximate: false));
        // Written, then checked as the services will read it (areas within the outline, …); when that finds problems
        // and --force was not given, the pack is put back as it was: a wrong TM-3 zone must not leave a pack that used
        // to start and now does not.
        var manifestPath = Path.Combine(request.Pack, "province.json");
        if (new FileInfo(areasPath).LinkTarget is not null)
        {
            error.WriteLine($"{areasPath} là liên kết tượng trưng; không ghi qua nó (có thể là tệp của gói khác) / {areasPath} is a symbolic link; not written through it (it may be another pack's file)");
            return 2;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(areasPath)!);
        var before = Snapshot(areasPath, manifestPath);
        var bytesAfter = AreaFile.Write(areasPath, areas);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Đã ghi / wrote {areasPath}: {matched.Count}/{list.Units.Count} xã/communes, {bytesBefore:N0} → {bytesAfter:N0} byte (GeoJSON)"));
        MarkSurveyed(manifestPath, output);
        if (!File.Exists(manifestPath))
        {
            output.WriteLine("Chưa có province.json: viết nó rồi chạy iocc-province check / No province.json yet: write it, then run iocc-province check");
            return problems.Count > 0 ? 1 : 0;
        }

        var (_, packProblems) = ProvincePack.Load(request.Pack);
        foreach (var problem in packProblems)
        {
            error.WriteLine(problem);
        }

        if (packProblems.Count > 0 && !request.Force)
        {
            Restore(before);
            error.WriteLine($"Gói tỉnh sau khi nhập có {packProblems.Count} vấn đề (như iocc-province check báo); đã trả gói về như cũ. Sửa tệp (hệ tọa độ: --crs), hoặc thêm --force để vẫn ghi / The pack has {packProblems.Count} problems after the import (as iocc-province check reports them); the pack is back as it was. Fix the file (coordinate system: --crs), or add --force to write it anyway");
            return 2;
        }

        if (packProblems.Count > 0)
        {
            error.WriteLine($"Gói tỉnh sau khi nhập có {packProblems.Count} vấn đề; vẫn ghi vì có --force / The pack has {packProblems.Count} problems after the import; written anyway (--force)");
        }

        return problems.Count > 0 || packProblems.Count > 0 ? 1 : 0;
    }

    /// <summary>The files an import changes, as they were (null: did not exist).</summary>
    private static (string Path, byte[]? Bytes)[] Snapshot(params string[] paths) =>
        [.. paths.Select(p => (p, File.Exists(p) ? File.ReadAllBytes(p) : null))];

    private static void Restore((string Path, byte[]? Bytes)[] files)
    {
        foreach (var (path, bytes) in files)
        {
            if (bytes is null)
            {
                File.Delete(path);
            }
            else
            {
                File.WriteAllBytes(path, bytes);
            }
        }
    }

    /// <summary>A file named in the pack's province.json (or its default), inside the pack folder whatever the name says.</summary>
    private static string PackFile(string pack, string key, string fallback)
    {
        var manifest = Path.Combine(pack, "province.json");
        var named = fallback;
        try
        {
            if (File.Exists(manifest) && System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllBytes(manifest)) is System.Text.Json.Nodes.JsonObject json
                && json[key] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var name) && !string.IsNullOrWhiteSpace(name))
            {
                named = name;
            }
        }
        catch (JsonException)
        {
            // A broken province.json: the defaults; `check` says what is wrong with it.
        }

        // The file the services read (a sub-folder of the pack is fine), but never outside the pack, whatever the name
        // says: then the file name alone, in the pack.
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(pack));
        var full = Path.GetFullPath(Path.Combine(root, named));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : Path.Combine(root, Path.GetFileName(named));
    }

    /// <summary>The areas are now the province's own polygons: the pack stops saying its positions are approximate.</summary>
    private static void MarkSurveyed(string manifestPath, TextWriter output)
    {
        if (!File.Exists(manifestPath) || System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllBytes(manifestPath)) is not System.Text.Json.Nodes.JsonObject manifest
            || manifest["approximatePositions"]?.GetValue<bool>() != true)
        {
            return;
        }

        manifest["approximatePositions"] = false;
        if (manifest["attribution"] is System.Text.Json.Nodes.JsonArray attribution)
        {
            // The seeded packs' line saying the positions are illustrative is no longer true.
            foreach (var line in attribution.Where(l => l?.ToString() is { } t && (t.Contains("gần đúng", StringComparison.Ordinal) || t.Contains("approximate", StringComparison.OrdinalIgnoreCase))).ToList())
            {
                attribution.Remove(line);
            }
        }

        File.WriteAllText(manifestPath, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = AreaFile.WriteOptions.Encoder }) + "\n");
        output.WriteLine($"{manifestPath}: approximatePositions = false");
    }

    private static List<ImportedFeature> Convert(IReadOnlyList<IFeature> features, ReferenceSystem system, string codeField, string nameField, string? typeField, List<ImportProblem> problems)
    {
        var result = new List<ImportedFeature>(features.Count);
        for (var i = 0; i < features.Count; i++)
        {
            var feature = features[i];
            var imported = new ImportedFeature(i, FeatureFile.Value(feature, codeField), FeatureFile.Value(feature, nameField), FeatureFile.Value(feature, typeField), feature.Geometry);
            if (feature.Geometry is not (Polygon or MultiPolygon) || feature.Geometry.IsEmpty)
            {
                var kind = feature.Geometry?.IsEmpty == false ? feature.Geometry.GeometryType : "rỗng/empty";
                problems.Add(new(i, imported.Values, $"hình không phải vùng ({kind}); bỏ qua", $"the geometry is not a polygon ({kind}); skipped"));
                continue;
            }

            var geometry = feature.Geometry.Copy();
            var conversion = new Wgs84Conversion(system);
            geometry.Apply(conversion);
            if (conversion.Problem is not null)
            {
                problems.Add(new(i, imported.Values, conversion.Problem.Split(" / ")[0] + "; bỏ qua", conversion.Problem.Split(" / ")[1] + "; skipped"));
                continue;
            }

            geometry.GeometryChanged();
            result.Add(imported with { Geometry = geometry });
        }

        return result;
    }

    /// <summary>The converted features as GeoJSON before simplification: what the wall would load without it.</summary>
    private static long Bytes(IEnumerable<ImportedFeature> features)
    {
        var collection = new FeatureCollection();
        foreach (var feature in features)
        {
            collection.Add(new Feature(feature.Geometry, new AttributesTable { { "code", feature.Code ?? "" }, { "name", feature.Name ?? "" } }));
        }

        return JsonSerializer.SerializeToUtf8Bytes(collection, AreaFile.WriteOptions).LongLength;
    }
}
