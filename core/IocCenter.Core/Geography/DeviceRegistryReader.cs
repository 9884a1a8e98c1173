using System.Globalization;
using System.Text.Json;
using IocCenter.Devices;
using IocCenter.Telemetry;

namespace IocCenter.Geography;

/// <summary>
/// Reads a device registry (a JSON array of <see cref="DeviceRecord"/>) against the province: each row checked on its
/// own, so one bad row is one line of the report and the others are still read. A device with a position but no area
/// gets the area it is in (<see cref="AreaLocator"/>).
/// </summary>
internal static class DeviceRegistryReader
{
    public static List<DeviceRecord> Read(string path, Province province, IReadOnlySet<string> areaCodes, List<PackProblem> problems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new(path, null, $"không đọc được danh bạ thiết bị ({e.Message})", $"cannot read the device registry ({e.Message})"));
            return [];
        }
        catch (JsonException e)
        {
            problems.Add(new(path, ProvincePack.Line(e), $"JSON không hợp lệ: {e.Message}", $"invalid JSON: {e.Message}"));
            return [];
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                problems.Add(new(path, null, "danh bạ thiết bị phải là một mảng JSON [...]", "the device registry must be a JSON array [...]"));
                return [];
            }

            var devices = new List<DeviceRecord>(document.RootElement.GetArrayLength());
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            var index = 0;
            foreach (var row in document.RootElement.EnumerateArray())
            {
                if (ReadRow(path, index, row, province, areaCodes, seen, problems) is { } device)
                {
                    devices.Add(device);
                }

                index++;
            }

            return devices;
        }
    }

    private static DeviceRecord? ReadRow(string path, int index, JsonElement row, Province province, IReadOnlySet<string> areaCodes, Dictionary<string, int> seen, List<PackProblem> problems)
    {
        if (row.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new(path, $"#{index}", "mỗi thiết bị phải là một đối tượng JSON {...}", "each device must be a JSON object {...}"));
            return null;
        }

        var id = Text(row, "id");
        var where = id is null ? $"#{index}" : $"#{index}, id {id}";
        var before = problems.Count;
        if (id is null || !DeviceIds.IsValid(id))
        {
            problems.Add(new(path, where,
                $"mã thiết bị \"{id}\" không hợp lệ (chữ, số, '_', '.', '-', bắt đầu bằng chữ hoặc số, tối đa {DeviceIds.MaxLength})",
                $"invalid device id \"{id}\" (letters, digits, '_', '.', '-', starting with a letter or digit, at most {DeviceIds.MaxLength})"));
        }
        else if (!seen.TryAdd(id, index))
        {
            problems.Add(new(path, where, $"trùng mã thiết bị {id} (đã có ở #{seen[id]})", $"duplicate device id {id} (already at #{seen[id]})"));
        }

        var domainText = Text(row, "domain");
        if (!TelemetryDomains.TryParse(domainText, out var domain))
        {
            problems.Add(new(path, where, $"lĩnh vực \"{domainText}\" không hợp lệ (traffic, environment, connectivity)", $"unknown domain \"{domainText}\" (traffic, environment, connectivity)"));
        }

        var area = Text(row, "area");
        var latitude = Number(row, "latitude");
        var longitude = Number(row, "longitude");
        if (latitude is null != longitude is null)
        {
            problems.Add(new(path, where, "cần cả latitude và longitude, hoặc không có cả hai", "give both latitude and longitude, or neither"));
        }
        else if (latitude is { } lat && longitude is { } lon)
        {
            area = Place(path, where, lat, lon, area, province, problems);
        }
        else if (area is null)
        {
            problems.Add(new(path, where, "thiếu mã xã (area) và tọa độ: không biết thiết bị ở đâu", "no area and no coordinates: where the device is cannot be known"));
        }

        if (area is not null && !areaCodes.Contains(area))
        {
            problems.Add(new(path, where, $"xã/phường mã {area} không có trong gói tỉnh", $"area {area} does not exist in the province pack"));
        }

        return problems.Count == before && id is not null && area is not null
            ? new DeviceRecord(id, domain, area, Text(row, "name"), latitude, longitude, Text(row, "secretHash"))
            : null;
    }

    /// <summary>Checks the position is in the province (or says the two numbers look swapped) and finds the area when none is given.</summary>
    private static string? Place(string path, string where, double lat, double lon, string? area, Province province, List<PackProblem> problems)
    {
        var locator = province.Locator;
        var at = string.Create(CultureInfo.InvariantCulture, $"latitude {lat}, longitude {lon}");
        if (locator.IsInside(lat, lon))
        {
            if (area is null && locator.Locate(lat, lon) is { } found)
            {
                return found.Code;
            }

            return area;
        }

        if (locator.IsInside(lon, lat))
        {
            problems.Add(new(path, where,
                $"tọa độ có vẻ bị đảo ({at}): đổi chỗ vĩ độ và kinh độ thì nằm trong tỉnh",
                $"coordinates look swapped ({at}): with latitude and longitude exchanged the device is inside the province"));
        }
        else
        {
            problems.Add(new(path, where, $"thiết bị nằm ngoài tỉnh {province.Name} ({at})", $"the device is outside the province {province.Name} ({at})"));
        }

        return area;
    }

    private static string? Text(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static double? Number(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
