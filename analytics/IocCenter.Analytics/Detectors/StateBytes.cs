using System.Reflection;
using System.Runtime.InteropServices;

namespace IocCenter.Analytics.Detectors;

/// <summary>
/// The detectors' inline parts are plain numbers (no references), so their bytes are their state: written and read
/// as they lie in memory (<see cref="Live.DetectorState"/> guards the layout and the bytes).
/// </summary>
internal static class StateBytes
{
    /// <summary>
    /// A fingerprint of what a type's state is made of: its fields' names and types in declaration order, into every
    /// struct it holds, with each inline array's length, and <paramref name="version"/>. FNV-1a over those names: the same in every process and build of
    /// the same code (<see cref="HashCode"/> is seeded per process: with it no start read what the last one saved).
    /// </summary>
    public static int Layout(Type type, int version)
    {
        ArgumentNullException.ThrowIfNull(type);
        var hash = Mix(2166136261u, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return unchecked((int)Describe(type, hash, depth: 0));
    }

    private static uint Describe(Type type, uint hash, int depth)
    {
        hash = Mix(hash, Name(type));
        if (type.GetCustomAttribute<System.Runtime.CompilerServices.InlineArrayAttribute>() is { } inline)
        {
            hash = Mix(hash, inline.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (depth > 8 || type.IsPrimitive || type.IsEnum || !type.IsValueType && depth > 0)
        {
            return hash;
        }

        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        Array.Sort(fields, (a, b) => a.MetadataToken.CompareTo(b.MetadataToken));
        foreach (var field in fields)
        {
            hash = Describe(field.FieldType, Mix(hash, field.Name), depth + 1);
        }

        return hash;
    }

    private static string Name(Type type) =>
        type.IsGenericType ? $"{type.Name}<{string.Join(",", type.GetGenericArguments().Select(Name))}>" : type.Name;

    private static uint Mix(uint hash, string text)
    {
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return unchecked((hash ^ '|') * 16777619u);
    }

    public static void Write<T>(BinaryWriter writer, in T value)
        where T : unmanaged => writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

    /// <summary>Throws <see cref="EndOfStreamException"/> on a short read.</summary>
    public static T Read<T>(BinaryReader reader)
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
