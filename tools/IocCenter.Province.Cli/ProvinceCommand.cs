using System.Globalization;
using IocCenter.Geography.Cli.Import;
using IocCenter.Geography.Cli.Seed;

namespace IocCenter.Geography.Cli;

/// <summary><c>iocc-province</c>: builds and checks province packs (docs/province-pack.md).</summary>
public static class ProvinceCommand
{
    public const string Help = """
        iocc-province — gói tỉnh / province packs

          import --input FILE(.shp|.geojson|.json) --code-field F --name-field F [--type-field F] --pack DIR
                 [--crs auto|EPSG:4326|EPSG:4756|EPSG:3405|EPSG:3406|vn2000-tm3:KINH_TUYẾN] [--tolerance MÉT] [--force]
              Ghi DIR/areas.geojson từ ranh giới xã của tỉnh: đổi sang WGS84 (VN-2000 theo .prj), đơn giản hóa (mặc định 30 m),
              sửa hình lỗi, đối chiếu với DIR/communes.json (tên sai, đơn vị cũ, trùng, thiếu).
              Writes DIR/areas.geojson from the province's commune polygons: converted to WGS84 (VN-2000 from the .prj),
              simplified (30 m by default), repaired, matched against DIR/communes.json (misspelt, outdated, duplicate, missing).
              Exit 0: written; 1: problems reported, written with --force; 2: bad input or problems, nothing written.
          seed --geo DIR --pack DIR [--seed N]
              Tạo gói từ ../shared/geo/<tỉnh>/: ranh giới ODM, danh sách xã chính thức, xã là điểm gần đúng trong tỉnh.
              Builds a pack from ../shared/geo/<province>/: the ODM outline, the official list, communes as approximate points.
          check --pack DIR
              Đọc gói như dịch vụ sẽ đọc và in mọi lỗi (thoát 2 nếu có) / loads the pack as the services do; prints every problem.
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            output.WriteLine(Help);
            return args.Length == 0 ? 2 : 0;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--force")
            {
                options["force"] = "true";
                continue;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                return Usage(error, $"Tham số không hợp lệ / Invalid option: {args[i]}");
            }

            options[args[i][2..]] = args[++i];
        }

        try
        {
            return args[0] switch
            {
                "import" => ImportCommand.Run(
                    new ImportRequest(
                        Required(options, "input"),
                        Required(options, "code-field"),
                        Required(options, "name-field"),
                        options.GetValueOrDefault("type-field"),
                        Required(options, "pack"),
                        options.GetValueOrDefault("crs"),
                        Tolerance(options),
                        options.ContainsKey("force")),
                    output,
                    error),
                "seed" => SeedCommand.Run(Required(options, "geo"), Required(options, "pack"), (int)(Number(options, "seed") ?? 1), output, error),
                "check" => Check(Required(options, "pack"), output, error),
                _ => Usage(error, $"Lệnh không rõ / Unknown command: {args[0]}"),
            };
        }
        catch (UsageException e)
        {
            return Usage(error, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
        {
            error.WriteLine($"Lỗi / Error: {e.Message}");
            return 2;
        }
    }

    private static int Check(string pack, TextWriter output, TextWriter error)
    {
        var (province, problems) = ProvincePack.Load(pack);
        foreach (var problem in problems)
        {
            error.WriteLine(problem);
        }

        if (province is null || problems.Count > 0)
        {
            error.WriteLine($"{problems.Count} vấn đề / problems: {pack}");
            return 2;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{pack}: {province.FullName} ({province.Code}), {province.Areas.Count} xã/areas{(province.ApproximatePositions ? ", vị trí gần đúng / approximate positions" : "")}: OK"));
        return 0;
    }

    private static string Required(Dictionary<string, string> o, string name) =>
        o.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : throw new UsageException($"Thiếu / Missing --{name}");

    private static double? Number(Dictionary<string, string> o, string name) =>
        !o.TryGetValue(name, out var value) ? null
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) && number >= 0 ? number
        : throw new UsageException($"--{name}: cần một số không âm / needs a non-negative number ('{value}')");

    /// <summary>At most <see cref="AreaSimplifier.MaxToleranceMetres"/>: more would turn a commune of a few km into a triangle.</summary>
    private static double Tolerance(Dictionary<string, string> o) => Number(o, "tolerance") switch
    {
        null => AreaSimplifier.DefaultToleranceMetres,
        > AreaSimplifier.MaxToleranceMetres and var t => throw new UsageException(string.Create(CultureInfo.InvariantCulture,
            $"--tolerance: tối đa {AreaSimplifier.MaxToleranceMetres} m (xã rộng vài km; mặc định {AreaSimplifier.DefaultToleranceMetres} m) / at most {AreaSimplifier.MaxToleranceMetres} m (a commune is a few km across; default {AreaSimplifier.DefaultToleranceMetres} m), not {t}")),
        var t => t.Value,
    };

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine(message);
        error.WriteLine(Help);
        return 2;
    }

    private sealed class UsageException(string message) : Exception(message);
}
