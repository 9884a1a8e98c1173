using System.Buffers;

namespace IocCenter.Telemetry;

/// <summary>The status payload of the v1 contract: exactly <c>online</c> or <c>offline</c>.</summary>
public static class DeviceStatus
{
    public static bool TryParse(in ReadOnlySequence<byte> payload, out bool online)
    {
        online = payload.Length == 6 && payload.FirstSpan.SequenceEqual("online"u8);
        return online || (payload.Length == 7 && payload.FirstSpan.SequenceEqual("offline"u8));
    }
}
