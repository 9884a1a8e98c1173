namespace IocCenter.Simulators.Province;

/// <summary>An administrative area of the demo province (district-level town or district), with its approximate centre.</summary>
public sealed record Area(string Id, string Name, double Latitude, double Longitude);
