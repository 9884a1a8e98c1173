using IocCenter.Analytics.AirQuality;
using IocCenter.Devices;
using IocCenter.Telemetry;

namespace IocCenter.Dashboard.Live;

/// <summary>What the live state keeps of one device.</summary>
public sealed partial class LiveState
{
    private sealed class Device(string id, TelemetryDomain domain, string? area, string? name, double? latitude, double? longitude)
    {
        public string Id { get; } = id;

        public TelemetryDomain Domain { get; } = domain;

        public string? Area { get; set; } = area;

        public string? Name { get; } = name;

        public double? Latitude { get; } = latitude;

        public double? Longitude { get; } = longitude;

        public bool? StatusOnline { get; set; }

        /// <summary>The state screens were last shown (null: never).</summary>
        public (bool Online, string State, string? Severity)? Shown { get; set; }

        /// <summary>Whether screens have been sent this device in full since it appeared or moved.</summary>
        public bool Announced { get; set; }

        public long ShownAtMs { get; set; } = long.MinValue / 2;

        public long? LastMs { get; set; }

        /// <summary>When it was last heard and how often it reports (a field: the struct is changed in place).</summary>
        public ReportingRhythm Rhythm;

        /// <summary>When anything (reading or status) last arrived from it, by this server's clock: what forgetting goes by.</summary>
        public long HeardMs { get; set; }

        public Dictionary<string, double> Values { get; } = new(StringComparer.Ordinal);

        public StationAqi? Aqi { get; } = domain == TelemetryDomain.Environment ? new StationAqi() : null;

        public AqiResult? LastAqi { get; set; }
    }
}
