using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using IocCenter.Simulators.Fleet;

namespace IocCenter.Bench;

/// <summary>
/// A lean load generator: one plain MQTT 3.1.1 connection publishing QoS1 for many simulated devices,
/// with up to <c>window</c> publishes awaiting their PUBACK, written in large batches. It costs a few
/// microseconds per message, so the benchmark measures the pipeline rather than the load generator.
/// A reading counts as sent when the broker's PUBACK for it arrives. <paramref name="topicPrefix"/> moves the
/// readings off the contract's topics (the broker-alone baseline).
/// </summary>
internal sealed class PipelinedPublisher(IReadOnlyList<SimulatedDevice> devices, string host, int port, string clientId, int window, string topicPrefix = "") : IAsyncDisposable
{
    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly SemaphoreSlim _slots = new(window, window);
    private long _acknowledged;

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public async Task ConnectAsync()
    {
        await _socket.ConnectAsync(host, port);
        var id = Encoding.UTF8.GetBytes(clientId);
        var body = new List<byte> { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x02, 0, 60, (byte)(id.Length >> 8), (byte)id.Length };
        body.AddRange(id);
        var packet = new List<byte> { 0x10 };
        packet.AddRange(RemainingLength(body.Count));
        packet.AddRange(body);
        await _socket.SendAsync(packet.ToArray());
        var connack = new byte[4];
        await ReceiveExactlyAsync(connack);
        if (connack[0] != 0x20 || connack[3] != 0)
        {
            throw new InvalidOperationException($"broker refused the connection (CONNACK return code {connack[3]})");
        }
    }

    /// <summary>
    /// Publishes <paramref name="count"/> readings, round-robin over the devices, at <paramref name="rate"/>
    /// per second (0: as fast as the broker takes them), and waits for every PUBACK.
    /// </summary>
    public async Task PublishAsync(long count, double rate, CancellationToken cancellationToken)
    {
        var acks = ReadAcknowledgementsAsync(count, cancellationToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var buffer = new MemoryStream(256 * 1024);
        ushort packetId = 0;
        var device = 0;
        for (long i = 0; i < count; i++)
        {
            var ahead = rate > 0 ? (i / rate) - clock.Elapsed.TotalSeconds : 0;
            if (ahead > 0.002)
            {
                await SendAsync(buffer, cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(ahead), cancellationToken);
            }

            if (!_slots.Wait(0, CancellationToken.None))
            {
                await SendAsync(buffer, cancellationToken);
                await _slots.WaitAsync(cancellationToken);
            }

            var simulated = devices[device++ % devices.Count];
            var topic = Encoding.UTF8.GetBytes(topicPrefix + simulated.TelemetryTopic);
            var payload = simulated.NextPayload(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            packetId = (ushort)(packetId % ushort.MaxValue + 1);
            buffer.WriteByte(0x32);
            foreach (var b in RemainingLength(2 + topic.Length + 2 + payload.Length))
            {
                buffer.WriteByte(b);
            }

            buffer.WriteByte((byte)(topic.Length >> 8));
            buffer.WriteByte((byte)topic.Length);
            buffer.Write(topic);
            buffer.WriteByte((byte)(packetId >> 8));
            buffer.WriteByte((byte)packetId);
            buffer.Write(payload);
            if (buffer.Length > 128 * 1024)
            {
                await SendAsync(buffer, cancellationToken);
            }
        }

        await SendAsync(buffer, cancellationToken);
        await acks;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _socket.SendAsync(new byte[] { 0xE0, 0x00 });
        }
        catch (SocketException)
        {
            // Already gone.
        }

        _socket.Dispose();
        _slots.Dispose();
    }

    private async Task SendAsync(MemoryStream buffer, CancellationToken cancellationToken)
    {
        if (buffer.Length == 0)
        {
            return;
        }

        var data = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        for (var sent = 0; sent < data.Length;)
        {
            sent += await _socket.SendAsync(data[sent..], SocketFlags.None, cancellationToken);
        }

        buffer.SetLength(0);
    }

    private async Task ReadAcknowledgementsAsync(long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        while (Interlocked.Read(ref _acknowledged) < count)
        {
            if (end - start < 4)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
                var received = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, cancellationToken);
                if (received == 0)
                {
                    throw new IOException("the broker closed the connection");
                }

                end += received;
                continue;
            }

            if (buffer[start] != 0x40 || buffer[start + 1] != 2)
            {
                throw new InvalidDataException($"expected PUBACK, got packet type 0x{buffer[start]:X2}");
            }

            _ = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(start + 2));
            start += 4;
            Interlocked.Increment(ref _acknowledged);
            _slots.Release();
        }
    }

    private static byte[] RemainingLength(int length)
    {
        var bytes = new List<byte>(4);
        do
        {
            var digit = (byte)(length % 128);
            length /= 128;
            bytes.Add(length > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (length > 0);
        return bytes.ToArray();
    }

    private async Task ReceiveExactlyAsync(byte[] buffer)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None);
            if (n == 0)
            {
                throw new IOException("the broker closed the connection");
            }

            read += n;
        }
    }
}
