namespace IocCenter.Analytics.Incidents;

public enum IncidentKind
{
    Congestion,
    AirQuality,
    ConnectivityDegraded,
    DeviceOffline,
    SensorFault,
    Anomaly,
    AreaOutage,
}

/// <summary>Most severe last, so the larger value is the more severe.</summary>
public enum Severity
{
    Warning = 1,
    Minor = 2,
    Major = 3,
    Critical = 4,
}

public enum IncidentState
{
    Open,
    Acknowledged,
    Resolved,
}

public static class IncidentCodes
{
    public static string Code(this IncidentKind kind) => kind switch
    {
        IncidentKind.Congestion => "congestion",
        IncidentKind.AirQuality => "air_quality",
        IncidentKind.ConnectivityDegraded => "connectivity_degraded",
        IncidentKind.DeviceOffline => "device_offline",
        IncidentKind.SensorFault => "sensor_fault",
        IncidentKind.Anomaly => "anomaly",
        IncidentKind.AreaOutage => "area_outage",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Code(this Severity severity) => severity.ToString().ToLowerInvariant();

    public static string Code(this IncidentState state) => state.ToString().ToLowerInvariant();

    public static IncidentKind ParseKind(string code) =>
        Enum.GetValues<IncidentKind>().First(k => k.Code() == code);

    public static IncidentState ParseState(string code) =>
        Enum.GetValues<IncidentState>().First(s => s.Code() == code);
}
