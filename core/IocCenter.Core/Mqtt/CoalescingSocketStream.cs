using System.Net;
using System.Net.Sockets;
using MQTTnet.Channel;

namespace IocCenter.Mqtt;

/// <summary>
/// A TCP stream for MQTTnet that reads through a 64 KiB buffer and coalesces writes. MQTTnet reads a packet's
/// fixed header a byte at a time and writes every packet (even a 4-byte PUBACK) with its own call; on a plain
/// socket each of those is a system call. Here reads are served from the buffer, and writes made while a send is
/// under way go out together in the next one, so a burst of acknowledgements or publishes costs a few sends.
/// A write returns once its bytes are queued, in order; a failed send fails every later write and read.
/// </summary>
public sealed class CoalescingSocketStream : Stream, IMqttClientStreamEndPoints
{
    private const int ReadBufferBytes = 64 * 1024;
    private const int MaxPendingBytes = 8 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly byte[] _readBuffer = new byte[ReadBufferBytes];
    private readonly Lock _writeGate = new();
    private int _readStart;
    private int _readEnd;
    private byte[] _pending = new byte[16 * 1024];
    private byte[] _spare = new byte[16 * 1024];
    private int _pendingLength;
    private bool _sending;
    private Exception? _sendError;
    private TaskCompletionSource? _drained;
    private bool _disposed;

    public CoalescingSocketStream(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        LocalEndPoint = socket.LocalEndPoint!;
        RemoteEndPoint = socket.RemoteEndPoint!;
    }

    /// <summary>For <c>MqttClientOptionsBuilder.WithStreamProvider</c>.</summary>
    public static IMqttClientStreamProvider Provider { get; } = new SocketProvider();

    public EndPoint LocalEndPoint { get; }

    public EndPoint RemoteEndPoint { get; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readStart == _readEnd)
        {
            var received = await _socket.ReceiveAsync(_readBuffer, SocketFlags.None, cancellationToken);
            if (received == 0)
            {
                return 0;
            }

            _readStart = 0;
            _readEnd = received;
        }

        var count = Math.Min(buffer.Length, _readEnd - _readStart);
        _readBuffer.AsSpan(_readStart, count).CopyTo(buffer.Span);
        _readStart += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Task? wait = null;
        lock (_writeGate)
        {
            ThrowIfBroken();
            if (_pendingLength + buffer.Length > _pending.Length)
            {
                Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + buffer.Length));
            }

            buffer.Span.CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += buffer.Length;
            if (!_sending)
            {
                _sending = true;
                ThreadPool.UnsafeQueueUserWorkItem(static stream => _ = stream.SendLoopAsync(), this, preferLocal: false);
            }

            if (_pendingLength > MaxPendingBytes)
            {
                // The peer is not reading: make the writer wait instead of buffering without bound.
                wait = DrainedTask();
            }
        }

        return wait is null ? ValueTask.CompletedTask : new ValueTask(wait);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Completes when everything written so far has been handed to the socket.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        lock (_writeGate)
        {
            ThrowIfBroken();
            return _sending ? DrainedTask().WaitAsync(cancellationToken) : Task.CompletedTask;
        }
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;

            // MQTTnet disposes right after writing DISCONNECT: give queued bytes a moment to leave.
            try
            {
                FlushAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or AggregateException)
            {
                // The connection is already broken; nothing more can be sent.
            }

            _socket.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task SendLoopAsync()
    {
        while (true)
        {
            byte[] buffer;
            int length;
            lock (_writeGate)
            {
                if (_pendingLength == 0)
                {
                    _sending = false;
                    _drained?.TrySetResult();
                    _drained = null;
                    return;
                }

                buffer = _pending;
                length = _pendingLength;
                _pending = _spare;
                _spare = buffer;
                _pendingLength = 0;
            }

            try
            {
                for (var sent = 0; sent < length;)
                {
                    sent += await _socket.SendAsync(buffer.AsMemory(sent, length - sent), SocketFlags.None);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
            {
                lock (_writeGate)
                {
                    _sendError = e;
                    _sending = false;
                    _pendingLength = 0;
                    _drained?.TrySetException(new IOException("The connection is broken.", e));
                    _drained = null;
                }

                // Reads fail too, so MQTTnet notices the broken connection.
                _socket.Dispose();
                return;
            }
        }
    }

    private Task DrainedTask() => (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private void ThrowIfBroken()
    {
        if (_sendError is not null)
        {
            throw new IOException("The connection is broken.", _sendError);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
    }

    private sealed class SocketProvider : IMqttClientStreamProvider
    {
        public async Task<Stream> ConnectAsync(EndPoint remoteEndPoint, CancellationToken cancellationToken)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(remoteEndPoint, cancellationToken);
                return new CoalescingSocketStream(socket);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }
}
