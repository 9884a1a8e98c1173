using IocCenter.Telemetry;

namespace IocCenter.Analytics.Detectors;

/// <summary>What a detector set keeps across restarts (<see cref="Live.DetectorState"/>).</summary>
public sealed partial class DetectorSet
{
    /// <summary>
    /// What <see cref="Save"/> writes, as plain arithmetic (the same in every process): the series detectors' layout and
    /// the rules' reporting rhythm's. A state with another layout is not read.
    /// </summary>
    internal static int StateLayout { get; } = unchecked((SeriesDetector.StateLayout * 31) + StateBytes.Layout(typeof(Devices.ReportingRhythm), 1));

    /// <summary>
    /// Writes every series' detector and whether it holds its device's anomaly open, then each device's reporting rhythm
    /// (<see cref="Live.DetectorState"/> keeps them across restarts); returns how many series it wrote. A series or a
    /// device not heard for <see cref="ForgetAfterMs"/> before <paramref name="nowMs"/> is left out (a device taken away;
    /// one that comes back starts afresh), so that years of replaced devices do not pile up in the file.
    /// </summary>
    internal int Save(BinaryWriter writer, long nowMs)
    {
        var cutoff = nowMs - ForgetAfterMs;
        var count = 0;
        foreach (var (key, state) in _series)
        {
            count += Kept(key.Device, state, cutoff) ? 1 : 0;
        }

        writer.Write(count);
        foreach (var ((device, metric), state) in _series)
        {
            if (!Kept(device, state, cutoff))
            {
                continue;
            }

            writer.Write(device);
            writer.Write(metric);
            writer.Write((byte)((state.Open || state.AwaitsStart ? 1 : 0) | (state.Detector is null ? 0 : 2) | (state.Learning ? 4 : 0)));
            writer.Write(state.Quiet);
            state.Detector?.Save(writer);
        }

        _rules.Save(writer, cutoff);
        return count;
    }

    /// <summary>The fewest bytes a saved series takes: two empty names, its flags and its quiet count.</summary>
    private const int SmallestSeriesBytes = 7;

    /// <summary>
    /// How many entries to size a collection for up front from a file's <paramref name="count"/>, which is only a claim
    /// until the entries are read: no more than the file's <paramref name="bytes"/> can hold at <paramref name="smallest"/>
    /// bytes an entry, and at most 2²⁰. A 4-byte file claiming 2³¹ series made 58 MB (an independent review).
    /// </summary>
    internal static int Presized(int count, long bytes, int smallest) => (int)Math.Min(Math.Min(count, bytes / smallest), 1 << 20);

    /// <summary>30 days.</summary>
    internal const long ForgetAfterMs = 30L * 24 * 3_600_000;

    /// <summary>A series heard within the time kept (the PCA model's, which has no detector of its own: its device).</summary>
    private bool Kept(string device, in SeriesState state, long cutoff) =>
        (state.Detector is { } detector ? detector.LastMs : _rules.LastHeardMs(device) ?? long.MinValue) >= cutoff;

    /// <summary>Series as <see cref="Save"/> wrote them, not yet watched: <see cref="Restore"/> takes them once the whole file checks out.</summary>
    internal static SavedSeries Read(BinaryReader reader, long bytes = long.MaxValue)
    {
        var count = reader.ReadInt32();
        if (count < 0)
        {
            throw new InvalidDataException($"{count} series");
        }

        // Live, a device's id is one string for all its series and a metric's name one string for all devices (NamePool,
        // MetricCatalog); read back as they were written they were one string per series: 600,000 strings at 50,000
        // devices, and the host sat 35 MB higher after a restart than after a fresh start. Sized once: grown by doubling,
        // a dictionary of 300,000 series left some 20 MB of earlier arrays behind at the start.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        string Same(string name)
        {
            if (!names.TryGetValue(name, out var same))
            {
                same = MetricCatalog.Find(name)?.Name ?? name;
                names[name] = same;
            }

            return same;
        }

        var series = new Dictionary<(string Device, string Metric), SeriesState>(Presized(count, bytes, SmallestSeriesBytes));
        for (var i = 0; i < count; i++)
        {
            var key = (Same(reader.ReadString()), Same(reader.ReadString()));
            var flags = reader.ReadByte();
            var state = new SeriesState { Open = (flags & 1) != 0, Learning = (flags & 4) != 0, Quiet = reader.ReadInt32() };
            if ((flags & 2) != 0)
            {
                state.Detector = SeriesDetector.Load(reader);
            }

            series[key] = state;
        }

        return new SavedSeries(series, RuleEngine.Read(reader, Same, bytes));
    }

    /// <summary>
    /// Watches the saved series from where they were; a series already seen since the start keeps what it learnt now
    /// (it is newer). The rules know the saved devices again, their silences judged without the time up to
    /// <paramref name="startMs"/> (<see cref="RuleEngine.Restore"/>). Returns how many saved series were taken.
    /// </summary>
    internal int Restore(SavedSeries saved, long startMs)
    {
        ArgumentNullException.ThrowIfNull(saved);
        _rules.Restore(saved.Devices, startMs);
        _series.EnsureCapacity(_series.Count + saved.Series.Count);
        var taken = 0;
        foreach (var (key, state) in saved.Series)
        {
            // Every series of a device whose anomaly the incident store has active (raised after the last save, then a
            // crash) holds it again once it is heard (AwaitsStart), if the store still has it active then, so it clears
            // when they are calm. A series never heard again (a metric the device no longer sends) holds nothing: it
            // kept such an anomaly active for good (a second independent review). One the store no longer has active
            // (an officer resolved it) is not held: a new episode is raised (a third review: held, a flood three days
            // later was never raised). Without a store (backtests), what was saved is held.
            var held = rules.AnomalyAtStart is { } active ? active(key.Device) : state.Open;
            var restored = state with { Open = false, Quiet = 0, AwaitsStart = held };
            taken += _series.TryAdd(key, restored) ? 1 : 0;
        }

        return taken;
    }
}
