using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IocCenter.Analytics.Detectors;

public sealed partial class SeriesDetector
{
    /// <summary>What <see cref="Save"/> writes, version by version: raise it when a field is added or changes meaning.</summary>
    private const int StateVersion = 1;

    /// <summary>
    /// Changes whenever what <see cref="Save"/> writes changes (its version, a struct's size): a state saved by another
    /// build is then not read, and the detectors learn afresh (<see cref="Live.DetectorState"/>). Plain arithmetic, the
    /// same in every process: <see cref="HashCode"/> is seeded per process, and with it no start could read the state
    /// the last one saved (found by hand, restarting the all-in-one host).
    /// </summary>
    internal static int StateLayout { get; } =
        (StateVersion << 24) ^ (Unsafe.SizeOf<Recent>() << 18) ^ (Unsafe.SizeOf<SeasonalBaseline>() << 8) ^ (Unsafe.SizeOf<Calibrated>() << 1) ^ Unsafe.SizeOf<TailCalibration>();

    /// <summary>Everything the detector learnt, so that a restart does not start it afresh (see <see cref="Live.DetectorState"/>).</summary>
    internal void Save(BinaryWriter writer)
    {
        WriteRaw(writer, in _window);
        WriteRaw(writer, in _baseline);
        WriteRaw(writer, in _calibrated);
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
            _window = ReadRaw<Recent>(reader),
            _baseline = ReadRaw<SeasonalBaseline>(reader),
            _calibrated = ReadRaw<Calibrated>(reader),
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
        return detector;
    }

    /// <summary>The inline parts are plain numbers (no references), so their bytes are their state.</summary>
    private static void WriteRaw<T>(BinaryWriter writer, in T value)
        where T : unmanaged => writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

    private static T ReadRaw<T>(BinaryReader reader)
        where T : unmanaged
    {
        T value = default;
        var bytes = MemoryMarshal.AsBytes(new Span<T>(ref value));
        while (!bytes.IsEmpty)
        {
            var read = reader.Read(bytes);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            bytes = bytes[read..];
        }

        return value;
    }
}
