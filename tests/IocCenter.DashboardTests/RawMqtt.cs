using System.Buffers.Binary;
using System.Text;

namespace IocCenter.DashboardTests;

/// <summary>MQTT packets as bytes, for tests that must control every one (no client library's retries or ordering).</summary>
internal static class RawMqtt
{
    public static readonly byte[] Disconnect = [0xE0, 0];

    /// <summary>CONNECT with a clean session, keep-alive 60 s, no credentials; <paramref name="level"/> 4 is MQTT 3.1.1, 5 is MQTT 5.</summary>
    public static byte[] Connect(string clientId, byte level = 4)
    {
        var body = new List<byte>();
        body.AddRange(Text("MQTT"));
        body.AddRange([level, 0x02, 0, 60]);
        if (level == 5)
        {
            body.Add(0); // no properties
        }

        body.AddRange(Text(clientId));
        return Packet(0x10, body);
    }

    /// <summary>QoS 1 PUBLISH.</summary>
    public static byte[] Publish(string topic, string payload, ushort packetId, byte level = 4)
    {
        var body = new List<byte>();
        body.AddRange(Text(topic));
        body.AddRange([(byte)(packetId >> 8), (byte)packetId]);
        if (level == 5)
        {
            body.Add(0);
        }

        body.AddRange(Encoding.UTF8.GetBytes(payload));
        return Packet(0x32, body);
    }

    public static async Task<byte[]> ReadAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    /// <summary>One whole packet: its first byte, its length bytes, its body.</summary>
    public static async Task<byte[]> ReadPacketAsync(Stream stream, CancellationToken cancellationToken)
    {
        var packet = new List<byte>(await ReadAsync(stream, 1, cancellationToken));
        int length = 0, shift = 0;
        byte next;
        do
        {
            next = (await ReadAsync(stream, 1, cancellationToken))[0];
            packet.Add(next);
            length |= (next & 0x7F) << shift;
            shift += 7;
        }
        while ((next & 0x80) != 0);

        packet.AddRange(await ReadAsync(stream, length, cancellationToken));
        return [.. packet];
    }

    /// <summary>The Assigned Client Identifier an MQTT 5 CONNACK carries (the broker's ids start with <c>auto-</c>).</summary>
    public static string AssignedClientId(byte[] connack)
    {
        var at = connack.AsSpan().IndexOf("auto-"u8);
        if (at < 3 || connack[at - 3] != 0x12)
        {
            throw new InvalidDataException("no assigned client id in " + Convert.ToHexString(connack));
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(connack.AsSpan(at - 2));
        return Encoding.UTF8.GetString(connack, at, length);
    }

    private static byte[] Text(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        var bytes = new byte[2 + utf8.Length];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)utf8.Length);
        utf8.CopyTo(bytes, 2);
        return bytes;
    }

    private static byte[] Packet(byte first, List<byte> body)
    {
        var packet = new List<byte> { first };
        var length = body.Count;
        do
        {
            var digit = (byte)(length % 128);
            length /= 128;
            packet.Add(length > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (length > 0);

        packet.AddRange(body);
        return [.. packet];
    }
}
