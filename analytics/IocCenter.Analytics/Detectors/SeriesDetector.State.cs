
namespace IocCenter.Analytics.Detectors;

public sealed partial class SeriesDetector
{
    /// <summary>What <see cref="Save"/> writes, version by version: raise it when a field keeps its name and type but changes meaning.</summary>
    private const int StateVersion = 1;

    /// <summary>
    /// Changes whenever what <see cref="Save"/> writes may change: its version, or any field's name, type or place, in
    /// the detector and in every struct held inline (<see cref="StateBytes.Layout"/>). A state saved by another build is
    /// then not read, and the detectors learn afresh (<see cref="Live.DetectorState"/>; <see cref="DetectorSet.StateLayout"/>
    /// adds the rules' part).
    /// </summary>
    internal static int StateLayout { get; } = StateBytes.Layout(typeof(SeriesDetector), StateVersion);

    /// <summary>The time of the latest reading (ms since the epoch), or <see cref="long.MinValue"/> before any.</summary>
    internal long LastMs => _lastMs;

    /// <summary>The time the readings cover, each gap counted up to 2 hours (see <see cref="RuleOptions.AnomalyLearning"/>).</summary>
    internal double CoveredHours => _coveredHours;

    /// <summary>Everything the detector learnt, so that a restart does not start it afresh (see <see cref="Live.DetectorState"/>).</summary>
    internal void Save(BinaryWriter writer)
    {
        StateBytes.Write(writer, in _window);
        StateBytes.Write(writer, in _baseline);
        StateBytes.Write(writer, in _calibrated);
        writer.Write(_count);
        writer.Write(_firstMs);
        writer.Write(_lastMs);
        writer.Write(_noise);
        writer.Write(_cusumHigh);
        writer.Write(_cusumLow);
        writer.Write(_allIntegers);
        writer.Write(_resolution);
        writer.Write(_moves);
        writer.Write(_coveredHours);
        writer.Write(_residualScale);
        writer.Write(_tail);
        writer.Write(_recentResidual);
        writer.Write(_level);
        writer.Write(_returning);
        writer.Write(_filled);
        writer.Write(_intervalMs);
    }

    /// <summary>A detector as <see cref="Save"/> wrote it; throws <see cref="EndOfStreamException"/> on a short read.</summary>
    internal static SeriesDetector Load(BinaryReader reader)
    {
        var detector = new SeriesDetector
        {
            _window = StateBytes.Read<Recent>(reader),
            _baseline = StateBytes.Read<SeasonalBaseline>(reader),
            _calibrated = StateBytes.Read<Calibrated>(reader),
            _count = reader.ReadInt32(),
            _firstMs = reader.ReadInt64(),
            _lastMs = reader.ReadInt64(),
            _noise = reader.ReadSingle(),
            _cusumHigh = reader.ReadSingle(),
            _cusumLow = reader.ReadSingle(),
            _allIntegers = reader.ReadBoolean(),
            _resolution = reader.ReadSingle(),
            _moves = reader.ReadByte(),
            _coveredHours = reader.ReadSingle(),
            _residualScale = reader.ReadSingle(),
            _tail = reader.ReadSingle(),
            _recentResidual = reader.ReadSingle(),
            _level = reader.ReadSingle(),
            _returning = reader.ReadInt32(),
            _filled = reader.ReadInt32(),
            _intervalMs = reader.ReadSingle(),
        };

        // The checksum says the file is whole, not that a faulty or crafted save made sense: a count below 0 made every
        // reading of the device throw (an independent review's crafted file).
        if (detector._count < 0 || detector._filled < 0 || detector._returning < 0 ||
            !float.IsFinite(detector._noise) || !float.IsFinite(detector._resolution) || !float.IsFinite(detector._tail) ||
            !float.IsFinite(detector._level) || !float.IsFinite(detector._intervalMs) || !float.IsFinite(detector._residualScale) ||
            !float.IsFinite(detector._cusumHigh) || !float.IsFinite(detector._cusumLow) || !float.IsFinite(detector._recentResidual) ||
            !float.IsFinite(detector._coveredHours) || !detector._calibrated.InRange)
        {
            throw new InvalidDataException("a series detector's state is out of range");
        }

        return detector;
    }
}
