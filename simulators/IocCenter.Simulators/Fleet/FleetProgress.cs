namespace IocCenter.Simulators.Fleet;

/// <summary>A snapshot of a running fleet.</summary>
public readonly record struct FleetProgress(int DevicesConnected, long Sent, long Errors, TimeSpan Elapsed)
{
    public double Rate => Elapsed.TotalSeconds > 0 ? Sent / Elapsed.TotalSeconds : 0;
}
