namespace IocCenter.Dashboard.Broker;

/// <summary>
/// A client connection's stream that follows the MQTT framing of what it reads (a type byte, the remaining length as a
/// variable byte integer, then that many bytes) and fails the read that completes a length announcing a packet larger
/// than the limit. MQTTnet allocates a packet's whole body as soon as it has read its length, so this is the only place
/// where a 50 MB publish — or a 20-byte header that merely claims 256 MB — can be stopped before it costs memory.
/// </summary>
internal sealed class PacketSizeGuard(Stream inner, int maxPacketSize, Action<long> tooLarge) : Stream
{
    private State _state = State.TypeByte;
    private long _length;
    private int _lengthBytes;
    private long _bodyLeft;

    private enum State
    {
        TypeByte,
        Length,
        Body,
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Inspect(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Inspect(buffer.AsSpan(offset, read));
        return read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Inspect(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            switch (_state)
            {
                case State.TypeByte:
                    i++;
                    _state = State.Length;
                    _length = 0;
                    _lengthBytes = 0;
                    break;
                case State.Length:
                    var b = bytes[i++];
                    _length |= (long)(b & 0x7F) << (7 * _lengthBytes);
                    _lengthBytes++;
                    if ((b & 0x80) != 0 && _lengthBytes < 4)
                    {
                        break;
                    }

                    // The whole packet: its type byte, its length bytes and its body (what MQTT 5's Maximum Packet Size counts).
                    var packet = 1 + _lengthBytes + _length;
                    if ((b & 0x80) != 0 || packet > maxPacketSize)
                    {
                        tooLarge(packet);
                        throw new IOException($"MQTT packet of {packet} bytes is over the broker's limit of {maxPacketSize} / gói tin quá lớn");
                    }

                    _bodyLeft = _length;
                    _state = _bodyLeft == 0 ? State.TypeByte : State.Body;
                    break;
                default:
                    var skip = (int)Math.Min(_bodyLeft, bytes.Length - i);
                    i += skip;
                    _bodyLeft -= skip;
                    if (_bodyLeft == 0)
                    {
                        _state = State.TypeByte;
                    }

                    break;
            }
        }
    }
}
