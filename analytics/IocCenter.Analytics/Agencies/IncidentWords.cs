using IocCenter.Analytics.Incidents;

namespace IocCenter.Analytics.Agencies;

/// <summary>What a kind and a severity are called in messages that leave the IOC, in the words of the screens' tables.</summary>
public static class IncidentWords
{
    public static string Vi(this IncidentKind kind) => kind switch
    {
        IncidentKind.Congestion => "Ùn tắc giao thông",
        IncidentKind.AirQuality => "Chất lượng không khí",
        IncidentKind.ConnectivityDegraded => "Chất lượng mạng kém",
        IncidentKind.DeviceOffline => "Thiết bị mất tín hiệu",
        IncidentKind.SensorFault => "Lỗi cảm biến",
        IncidentKind.Anomaly => "Số liệu bất thường",
        _ => "Mất tín hiệu diện rộng",
    };

    public static string En(this IncidentKind kind) => kind switch
    {
        IncidentKind.Congestion => "Traffic congestion",
        IncidentKind.AirQuality => "Air quality",
        IncidentKind.ConnectivityDegraded => "Poor network quality",
        IncidentKind.DeviceOffline => "Device offline",
        IncidentKind.SensorFault => "Sensor fault",
        IncidentKind.Anomaly => "Unusual readings",
        _ => "Widespread outage",
    };

    public static string Vi(this Severity severity) => severity switch
    {
        Severity.Critical => "Nghiêm trọng",
        Severity.Major => "Cao",
        Severity.Minor => "Trung bình",
        _ => "Thấp",
    };

    public static string En(this Severity severity) => severity switch
    {
        Severity.Critical => "Critical",
        Severity.Major => "Major",
        Severity.Minor => "Minor",
        _ => "Warning",
    };

    /// <summary>The domain an incident kind belongs to by itself, or null when it depends on the device.</summary>
    public static string? DomainOf(IncidentKind kind) => kind switch
    {
        IncidentKind.Congestion => "traffic",
        IncidentKind.AirQuality => "environment",
        IncidentKind.ConnectivityDegraded => "connectivity",
        _ => null,
    };
}
