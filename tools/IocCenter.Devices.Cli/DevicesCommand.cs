using System.Globalization;
using System.Text.Json;
using IocCenter.Telemetry;

namespace IocCenter.Devices.Cli;

/// <summary>
/// <c>iocc-devices</c>: device and service credentials for the broker. Secrets are printed once and stored only as
/// hashes (in the device registry, or a services file); <c>mosquitto</c> writes mosquitto's password_file and acl_file.
/// </summary>
public static class DevicesCommand
{
    public const string Help = """
        iocc-devices — tài khoản MQTT của thiết bị và dịch vụ / broker credentials of devices and services

          add --registry devices.json --id ID --domain traffic|environment|connectivity (--area CODE | --lat X --lon Y) [--name NAME] [--province DIR]
              Đăng ký (hoặc cập nhật) thiết bị và cấp mật khẩu mới; mật khẩu chỉ in ra một lần, tệp chỉ lưu mã băm.
              Registers (or updates) a device and gives it a new secret, printed once; the registry keeps only its hash.
              CODE là mã xã trong gói tỉnh / a commune code of the province pack (--province, default the packaged
              Đồng Tháp); without --area, the commune is the one the position is in.
          rotate --registry devices.json --id ID
              Cấp mật khẩu mới (mật khẩu cũ hết hiệu lực khi broker nạp lại) / a new secret; the old one stops working
              when the broker next loads the registry (restart the all-in-one host, or re-run `mosquitto` and reload mosquitto).
          service --services services.json --name NAME
              Tài khoản dịch vụ (ingest, analytics) / a service account (reads and writes ioc/v1/#), secret printed once.
          mosquitto --registry devices.json [--services services.json] --out DIR
              Ghi DIR/password_file và DIR/acl_file cho mosquitto / writes mosquitto's password_file and acl_file
              (use with deploy/mosquitto/iocc-production.conf: allow_anonymous false).
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error, TextReader input)
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
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                error.WriteLine($"Tham số không hợp lệ / Invalid option: {args[i]}");
                return 2;
            }

            options[args[i][2..]] = args[i + 1];
        }

        try
        {
            return args[0] switch
            {
                "add" => Add(options, output),
                "rotate" => Rotate(options, output),
                "service" => Service(options, output),
                "mosquitto" => Mosquitto(options, output),
                _ => Usage(error, $"Lệnh không rõ / Unknown command: {args[0]}"),
            };
        }
        catch (UsageException e)
        {
            return Usage(error, e.Message);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            error.WriteLine($"Lỗi / Error: {e.Message}");
            return 1;
        }
    }

    private static int Add(Dictionary<string, string> o, TextWriter output)
    {
        var registry = Required(o, "registry");
        var id = Required(o, "id");
        if (!DeviceIds.IsValid(id))
        {
            throw new UsageException($"Mã thiết bị không hợp lệ / Invalid device id '{id}': letters, digits, '_', '.', '-', at most {DeviceIds.MaxLength}");
        }

        if (!TelemetryDomains.TryParse(Required(o, "domain"), out var domain))
        {
            throw new UsageException("--domain: traffic, environment or connectivity");
        }

        var area = AreaOf(o);
        var secret = DeviceSecrets.Generate();
        var devices = Load(registry).Where(d => d.Id != id).ToList();
        devices.Add(new DeviceRecord(id, domain, area, o.GetValueOrDefault("name"), Number(o, "lat"), Number(o, "lon"), DeviceSecrets.Hash(secret)));
        DeviceDirectory.Save(registry, devices.OrderBy(d => d.Id, StringComparer.Ordinal));
        PrintSecret(output, id, secret);
        return 0;
    }

    /// <summary>The device's commune: --area checked against the province pack, or the commune at --lat/--lon.</summary>
    private static string AreaOf(Dictionary<string, string> o)
    {
        Geography.Province province;
        try
        {
            province = Geography.ProvincePack.Open(o.GetValueOrDefault("province"));
        }
        catch (InvalidDataException e)
        {
            throw new UsageException(e.Message);
        }

        if (o.TryGetValue("area", out var code))
        {
            return province.FindArea(code) is not null ? code : throw new UsageException($"Không có xã/phường mã / No area with code '{code}' in {province.FullName}");
        }

        if (Number(o, "lat") is { } lat && Number(o, "lon") is { } lon)
        {
            return province.Locator.Locate(lat, lon)?.Code
                ?? throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"Vị trí nằm ngoài tỉnh / The position {lat}, {lon} is outside {province.FullName}"));
        }

        throw new UsageException("Thiếu / Missing --area, or --lat and --lon");
    }

    private static int Rotate(Dictionary<string, string> o, TextWriter output)
    {
        var registry = Required(o, "registry");
        var id = Required(o, "id");
        var devices = Load(registry);
        var device = devices.FirstOrDefault(d => d.Id == id) ?? throw new UsageException($"Không có thiết bị / No device '{id}' in {registry}");
        var secret = DeviceSecrets.Generate();
        DeviceDirectory.Save(registry, devices.Select(d => d.Id == id ? device with { SecretHash = DeviceSecrets.Hash(secret) } : d));
        PrintSecret(output, id, secret);
        return 0;
    }

    private static int Service(Dictionary<string, string> o, TextWriter output)
    {
        var path = Required(o, "services");
        var name = Required(o, "name");
        if (!DeviceIds.IsValid(name))
        {
            throw new UsageException($"Tên không hợp lệ / Invalid account name '{name}'");
        }

        var secret = DeviceSecrets.Generate();
        var account = new ServiceAccount(name, DeviceSecrets.Hash(secret));
        var services = LoadServices(path).Where(s => s.Username != name).Append(account).OrderBy(s => s.Username, StringComparer.Ordinal).ToArray();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(services, DeviceDirectory.JsonOptions));
        PrintSecret(output, name, secret);
        output.WriteLine($"secretHash: {account.SecretHash}   (AllInOne:BrokerServices:N:SecretHash, for the embedded broker)");
        return 0;
    }

    private static int Mosquitto(Dictionary<string, string> o, TextWriter output)
    {
        var directory = new DeviceDirectory(Load(Required(o, "registry")));
        var services = o.TryGetValue("services", out var path) ? LoadServices(path) : [];
        var accounts = new BrokerAccounts(directory, services);
        var outDir = Required(o, "out");
        accounts.WriteMosquittoFiles(Path.Combine(outDir, "password_file"), Path.Combine(outDir, "acl_file"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{outDir}/password_file, {outDir}/acl_file: {accounts.DeviceCount} thiết bị / devices, {accounts.ServiceCount} dịch vụ / services"));
        var withoutSecret = directory.Devices.Count(d => string.IsNullOrEmpty(d.SecretHash));
        if (withoutSecret > 0)
        {
            output.WriteLine($"{withoutSecret} thiết bị chưa có mật khẩu, sẽ không kết nối được / devices have no secret and cannot connect (iocc-devices rotate)");
        }

        return 0;
    }

    private static void PrintSecret(TextWriter output, string user, string secret)
    {
        output.WriteLine($"username: {user}");
        output.WriteLine($"password: {secret}");
        output.WriteLine("Lưu mật khẩu này vào thiết bị ngay; nó không được lưu ở đâu khác / Put this secret on the device now: it is stored nowhere else.");
    }

    private static List<DeviceRecord> Load(string path) =>
        File.Exists(path) ? [.. DeviceDirectory.Load(path).Devices.OrderBy(d => d.Id, StringComparer.Ordinal)] : [];

    private static ServiceAccount[] LoadServices(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<ServiceAccount[]>(File.ReadAllBytes(path), DeviceDirectory.JsonOptions) ?? [] : [];

    private static string Required(Dictionary<string, string> o, string name) =>
        o.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : throw new UsageException($"Thiếu / Missing --{name}");

    private static double? Number(Dictionary<string, string> o, string name) =>
        o.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : null;

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine(message);
        error.WriteLine(Help);
        return 2;
    }

    private sealed class UsageException(string message) : Exception(message);
}
