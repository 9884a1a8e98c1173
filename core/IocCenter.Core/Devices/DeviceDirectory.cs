using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IocCenter.Devices;

/// <summary>
/// Which area each device belongs to, from a JSON registry file (an array of <see cref="DeviceRecord"/>).
/// Readings of devices it does not know are stored without an area tag.
/// </summary>
public sealed class DeviceDirectory
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = true,

        // Names as a province IT person wrote them ("Ngã tư Sa Đéc"), not \u escapes: the file is read and edited by hand.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly FrozenDictionary<string, DeviceRecord> _devices;

    public DeviceDirectory(IEnumerable<DeviceRecord> devices, bool isRegistry = false)
    {
        ArgumentNullException.ThrowIfNull(devices);
        _devices = devices.ToFrozenDictionary(d => d.Id, StringComparer.Ordinal);
        IsRegistry = isRegistry;
    }

    /// <summary>
    /// The deployment's registry: the province's (the pack's <c>devices.json</c>, or <c>Devices:RegistryPath</c>), or
    /// an empty directory when it has none.
    /// </summary>
    public static DeviceDirectory Of(Geography.Province province)
    {
        ArgumentNullException.ThrowIfNull(province);
        return province.Devices is { } devices ? new DeviceDirectory(devices, isRegistry: true) : Empty;
    }

    /// <summary>
    /// Whether a configured registry lists these devices (not the simulated demo fleet): with one that lists some
    /// (<see cref="Lists"/>), devices missing from it raise no incidents and the KPI tiles count only registered devices.
    /// </summary>
    public bool IsRegistry { get; }

    /// <summary>A configured registry that lists at least one device.</summary>
    public bool Lists => IsRegistry && Count > 0;

    public static DeviceDirectory Empty { get; } = new([]);

    public int Count => _devices.Count;

    public IEnumerable<DeviceRecord> Devices => _devices.Values;

    public string? AreaOf(string deviceId) => _devices.TryGetValue(deviceId, out var device) ? device.Area : null;

    public DeviceRecord? Find(string deviceId) => _devices.GetValueOrDefault(deviceId);

    public static DeviceDirectory Load(string path)
    {
        using var stream = File.OpenRead(path);
        return new DeviceDirectory(JsonSerializer.Deserialize<DeviceRecord[]>(stream, JsonOptions) ?? []);
    }

    public static void Save(string path, IEnumerable<DeviceRecord> devices)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(devices.ToArray(), JsonOptions));
    }
}
