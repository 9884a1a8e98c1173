using System.Runtime.InteropServices;
using IocCenter.Devices;

namespace IocCenter.Analytics.Detectors;

/// <summary>What the rules keep across a restart (<see cref="Live.DetectorState"/>): each device's area, reporting rhythm and offline flag.</summary>
public sealed partial class RuleEngine
{
    /// <summary>
    /// Writes each device's area, reporting rhythm and whether it is offline (<see cref="Live.DetectorState"/>), so that a
    /// device that falls silent while the host is down, or stays silent after it, still raises device_offline after a
    /// restart: before, a device not heard since the start was unknown to the rules, and the wall showed it offline with
    /// no incident. A device not heard since <paramref name="forgetBeforeMs"/> (or never heard: only an <c>offline</c>
    /// status) is left out.
    /// </summary>
    internal void Save(BinaryWriter writer, long forgetBeforeMs)
    {
        var count = 0;
        foreach (var rules in _devices.Values)
        {
            count += Kept(rules, forgetBeforeMs) ? 1 : 0;
        }

        writer.Write(count);
        foreach (var (id, rules) in _devices)
        {
            if (!Kept(rules, forgetBeforeMs))
            {
                continue;
            }

            writer.Write(id);
            writer.Write(rules.Area is not null);
            if (rules.Area is not null)
            {
                writer.Write(rules.Area);
            }

            writer.Write(rules.Offline);
            StateBytes.Write(writer, rules.Rhythm);
        }
    }

    private static bool Kept(DeviceRules rules, long forgetBeforeMs) => rules.Rhythm.Heard && rules.Rhythm.LastMs >= forgetBeforeMs;

    /// <summary>When the device was last heard (ms since the epoch), or null when the rules do not know it.</summary>
    internal long? LastHeardMs(string deviceId) =>
        _devices.TryGetValue(deviceId, out var rules) && rules.Rhythm.Heard ? rules.Rhythm.LastMs : null;

    /// <summary>The devices as <see cref="Save"/> wrote them; <paramref name="same"/> gives equal names one string; <paramref name="bytes"/> bounds what the count may size (see <see cref="DetectorSet.Read"/>).</summary>
    internal static List<SavedDevice> Read(BinaryReader reader, Func<string, string> same, long bytes = long.MaxValue)
    {
        var count = reader.ReadInt32();
        if (count < 0)
        {
            throw new InvalidDataException($"{count} devices");
        }

        var devices = new List<SavedDevice>(DetectorSet.Presized(count, bytes, 3)); // its id, two flags at least
        for (var i = 0; i < count; i++)
        {
            var device = new SavedDevice(same(reader.ReadString()), reader.ReadBoolean() ? same(reader.ReadString()) : null, reader.ReadBoolean(), StateBytes.Read<ReportingRhythm>(reader));
            if (!device.Rhythm.Consistent)
            {
                throw new InvalidDataException("a device's reporting rhythm is out of range");
            }

            devices.Add(device);
        }

        return devices;
    }

    /// <summary>
    /// Knows the saved devices again (one heard since the start keeps what it is now). A device's silence is judged as if
    /// the time the host was down had not passed (nobody was listening then; otherwise every device would be "offline" at
    /// the first check after a restart, until it reported), and its incident still says how long it has been silent.
    /// Whether it is offline comes from the incident store, as for any device at start; a device offline at the save whose
    /// incident the store no longer has active (an officer resolved it; an admin removed the device) is not known again
    /// until it reports: otherwise each restart reopened the incidents of every removed device.
    /// </summary>
    internal void Restore(List<SavedDevice> saved, long startMs)
    {
        ArgumentNullException.ThrowIfNull(saved);
        foreach (var device in saved)
        {
            if (device.Offline && options.OfflineAtStart?.Invoke(device.Id) != true)
            {
                continue;
            }

            ref var rules = ref CollectionsMarshal.GetValueRefOrAddDefault(_devices, device.Id, out var exists);
            if (!exists)
            {
                rules = new DeviceRules(options, device.Id, device.Area);
                rules.Restore(device.Rhythm, startMs);
            }
        }
    }

    /// <summary>A device as <see cref="Save"/> wrote it.</summary>
    internal readonly record struct SavedDevice(string Id, string? Area, bool Offline, ReportingRhythm Rhythm);
}
