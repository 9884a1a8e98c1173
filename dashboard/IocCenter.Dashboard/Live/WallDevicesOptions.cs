using System.ComponentModel.DataAnnotations;

namespace IocCenter.Dashboard.Live;

/// <summary>Which devices the wall counts and how long a device nobody registered is kept. Configuration section <c>Dashboard</c>.</summary>
public sealed class WallDevicesOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// The devices the KPI tiles count. Unset: <see cref="KpiDevices.Registered"/> when the registry
    /// (<c>Devices:RegistryPath</c>) lists devices, otherwise (the demo province) <see cref="KpiDevices.All"/>.
    /// </summary>
    public KpiDevices? KpiDevices { get; set; }

    /// <summary>A device that is not in the registry and has sent nothing for this long is forgotten (walls, saved states).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan ForgetUnregisteredAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>What "silent" means for the screens: analytics' <c>Analytics:Rules:MinSilence</c> (set by the host, not bound here).</summary>
    public TimeSpan MinSilence { get; internal set; } = Devices.ReportingRhythm.DefaultMinimum;

    /// <summary>Analytics' <c>Analytics:Rules:SilenceIntervals</c> (set by the host).</summary>
    public double SilenceIntervals { get; internal set; } = Devices.ReportingRhythm.DefaultIntervals;
}

public enum KpiDevices
{
    /// <summary>Every device that has reported, registered or not.</summary>
    All,

    /// <summary>Only the devices listed in the registry: made-up ids cannot move the tiles.</summary>
    Registered,
}
