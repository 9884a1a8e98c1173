using IocCenter.Telemetry;

namespace IocCenter.Devices;

/// <summary>A registered field device: where it is and what it reports.</summary>
public sealed record DeviceRecord(string Id, TelemetryDomain Domain, string Area, string? Name = null, double? Latitude = null, double? Longitude = null);
