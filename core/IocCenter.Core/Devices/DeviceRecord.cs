using IocCenter.Telemetry;

namespace IocCenter.Devices;

/// <summary>
/// A registered field device: where it is and what it reports. <see cref="SecretHash"/> is the hash of its broker
/// password (<see cref="DeviceSecrets"/>; never the password itself): with it the device may connect as user
/// <see cref="Id"/> and publish under its own topics.
/// </summary>
public sealed record DeviceRecord(string Id, TelemetryDomain Domain, string Area, string? Name = null, double? Latitude = null, double? Longitude = null, string? SecretHash = null);
