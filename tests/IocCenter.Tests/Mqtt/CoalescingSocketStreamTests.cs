using System.Net;
using System.Net.Sockets;
using IocCenter.Mqtt;

namespace IocCenter.Tests.Mqtt;

/// <summary>The stream over a real loopback socket pair.</summary>
public sealed class CoalescingSocketStreamTests : IAsyncLifetime
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private Socket _peer = null!;
    private CoalescingSocketStream _stream = null!;

    public async Task InitializeAsync()
    {
        _listener.Start();
        var accept = _listener.AcceptSocketAsync();
        _stream = (CoalescingSocketStream)await CoalescingSocketStream.Provider.ConnectAsync(_listener.LocalEndpoint, CancellationToken.None);
        _peer = await accept;
    }

    public async Task DisposeAsync()
    {
        await _stream.DisposeAsync();
        _peer.Dispose();
        _listener.Stop();
    }

    [Fact]
    public async Task WriteAsync_ManySmallWrites_ArriveCompleteAndInOrder()
    {
        var expected = new List<byte>();
        for (var i = 0; i < 10_000; i++)
        {
            byte[] packet = [0x40, 0x02, (byte)(i >> 8), (byte)i];
            expected.AddRange(packet);
            await _stream.WriteAsync(packet);
        }

        await _stream.FlushAsync();

        var received = new byte[expected.Count];
        for (var read = 0; read < received.Length;)
        {
            read += await _peer.ReceiveAsync(received.AsMemory(read), SocketFlags.None);
        }

        Assert.Equal(expected, received);
    }

    [Fact]
    public async Task ReadAsync_ServesSmallReadsFromOneReceive()
    {
        await _peer.SendAsync(new byte[] { 1, 2, 3, 4, 5, 6, 7 });

        var one = new byte[1];
        Assert.Equal(1, await _stream.ReadAsync(one));
        Assert.Equal(1, one[0]);

        // The rest was received with the first byte: these complete without waiting on the socket.
        var rest = new byte[6];
        var pending = _stream.ReadAsync(rest.AsMemory());
        Assert.True(pending.IsCompleted);
        Assert.Equal(6, await pending);
        Assert.Equal(new byte[] { 2, 3, 4, 5, 6, 7 }, rest);
    }

    [Fact]
    public async Task ReadAsync_PeerClosed_ReturnsZero()
    {
        _peer.Shutdown(SocketShutdown.Both);
        Assert.Equal(0, await _stream.ReadAsync(new byte[4]));
    }

    [Fact]
    public async Task WriteAsync_AfterTheConnectionBroke_Throws()
    {
        _peer.LingerState = new LingerOption(true, 0);
        _peer.Close(); // RST: the next sends fail

        var deadline = DateTime.UtcNow.AddSeconds(10);
        await Assert.ThrowsAsync<IOException>(async () =>
        {
            while (DateTime.UtcNow < deadline)
            {
                await _stream.WriteAsync(new byte[1024]);
                await _stream.FlushAsync();
            }
        });
    }
}
