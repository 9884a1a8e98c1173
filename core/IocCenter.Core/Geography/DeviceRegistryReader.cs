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
    /// <param name="province">Null when the outline or the areas could not be read: positions are then not checked.</param>
    /// <param name="areaCodes">Null when the areas could not be read: area codes are then not checked.</param>
    public static List<DeviceRecord> Read(string path, Province? province, IReadOnlySet<string>? areaCodes, List<PackProblem> problems)
    {
        if (PackFiles.Read(path, problems) is not { } bytes)
        {
            return [];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
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

    private static DeviceRecord? ReadRow(string path, int index, JsonElement row, Province? province, IReadOnlySet<string>? areaCodes, Dictionary<string, int> seen, List<PackProblem> problems)
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
        var beforePosition = problems.Count;
        var latitude = Number(path, where, row, "latitude", problems);
        var longitude = Number(path, where, row, "longitude", problems);
        if (problems.Count > beforePosition)
        {
            // A coordinate that is not a number has been said; not also "no coordinates" or "outside".
        }
        else if (latitude is null != longitude is null)
        {
            problems.Add(new(path, where, "cần cả latitude và longitude, hoặc không có cả hai", "give both latitude and longitude, or neither"));
        }
        else if (latitude is { } lat && longitude is { } lon)
        {
            if (province is not null)
            {
                area = Place(path, where, lat, lon, area, province, problems);
            }
            else if (!InRange(lat, lon))
            {
                OutOfRange(path, where, lat, lon, problems);
            }
        }
        else if (area is null)
        {
            problems.Add(new(path, where, "thiếu mã xã (area) và tọa độ: không biết thiết bị ở đâu", "no area and no coordinates: where the device is cannot be known"));
        }

        if (area is not null && areaCodes is not null && !areaCodes.Contains(area))
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
        var at = At(lat, lon);
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
        else if (!InRange(lat, lon))
        {
            OutOfRange(path, where, lat, lon, problems);
        }
        else
        {
            problems.Add(new(path, where, $"thiết bị nằm ngoài tỉnh {province.Name} ({at})", $"the device is outside the province {province.Name} ({at})"));
        }

        return area;
    }

    private static string? Text(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static bool InRange(double lat, double lon) => Math.Abs(lat) <= 90 && Math.Abs(lon) <= 180;

    private static void OutOfRange(string path, string where, double lat, double lon, List<PackProblem> problems) =>
        problems.Add(new(path, where,
            $"tọa độ ngoài phạm vi ({At(lat, lon)}): vĩ độ từ −90 đến 90, kinh độ từ −180 đến 180, độ thập phân WGS84",
            $"coordinates out of range ({At(lat, lon)}): latitude −90 to 90, longitude −180 to 180, decimal degrees WGS84"));

    /// <summary>The position as a person reads it: at most 9 significant digits, whatever the number.</summary>
    private static string At(double lat, double lon) =>
        string.Create(CultureInfo.InvariantCulture, $"latitude {lat:G9}, longitude {lon:G9}");

    /// <summary>A coordinate: absent (null), or a finite JSON number; anything else (a string "10,5", 1e400) is a problem.</summary>
    private static double? Number(string path, string where, JsonElement row, string name, List<PackProblem> problems)
    {
        if (!row.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
        {
            return number;
        }

        var shown = value.GetRawText();
        shown = shown.Length <= 40 ? shown : string.Concat(shown.AsSpan(0, 40), "…");
        problems.Add(new(path, where,
            $"{name} phải là một số (độ thập phân, dấu chấm: 10.4567), không phải {shown}",
            $"{name} must be a number (decimal degrees with a point: 10.4567), not {shown}"));
        return null;
    }
}
