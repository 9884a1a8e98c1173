using IocCenter.Dashboard.Broker;
using Microsoft.Extensions.Configuration;

namespace IocCenter.DashboardTests;

/// <summary>The broker's packet size limit, on the bytes as they arrive: whatever the read sizes, whatever the claimed length.</summary>
public sealed class PacketSizeGuardTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task PacketsUpToTheLimit_PassWhole_OneByteOver_FailsAtItsLength(int readSize)
    {
        const int Limit = 200;
        var atLimit = Packet(Limit);
        var refused = new List<long>();
        var bytes = atLimit.Concat(Packet(2)).Concat(Packet(Limit + 1)).ToArray();
        var guard = new PacketSizeGuard(new MemoryStream(bytes), Limit, refused.Add);

        var passed = 0;
        var buffer = new byte[readSize];
        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            int read;
            while ((read = await guard.ReadAsync(buffer)) > 0)
            {
                passed += read;
            }
        });

        Assert.Contains("201", error.Message, StringComparison.Ordinal);
        Assert.Equal([Limit + 1L], refused);
        Assert.True(passed < Limit + 2 + 4, $"{passed} bytes passed"); // the two good packets, and at most the bad one's header
    }

    [Fact]
    public async Task AHeaderClaiming200MiB_FailsBeforeAnyOfItsBody()
    {
        var refused = new List<long>();
        var guard = new PacketSizeGuard(new MemoryStream([0x30, 0x80, 0x80, 0x80, 0x64]), 262_144, refused.Add);
        await Assert.ThrowsAsync<IOException>(async () => _ = await guard.ReadAsync(new byte[16]));
        Assert.Equal([1 + 4 + (200L * 1024 * 1024)], refused);
    }

    [Theory]
    [InlineData("65536", null)] // the contract's default payload limit with no room for a topic
    [InlineData("262144", "300000")]
    public void APacketLimitThatCannotHoldThePayloadLimit_StopsTheHostAtStart(string packetLimit, string? payloadLimit)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AllInOne:BrokerMaxPacketSize"] = packetLimit,
            ["Contract:MaxPayloadBytes"] = payloadLimit,
            ["AllInOne:DataPath"] = Path.Combine(Path.GetTempPath(), "iocc-never-" + Guid.NewGuid().ToString("N")[..6]),
        });
        var refused = Assert.Throws<InvalidOperationException>(() => Dashboard.AllInOneRegistration.AddAllInOne(builder));
        Assert.Contains("AllInOne:BrokerMaxPacketSize", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A PUBLISH of exactly <paramref name="total"/> bytes: type byte, remaining length, body.</summary>
    private static byte[] Packet(int total)
    {
        var lengthBytes = total - 1 <= 128 ? 1 : 2;
        var body = total - 1 - lengthBytes;
        var header = new List<byte> { 0x30 };
        var remaining = body;
        do
        {
            var b = (byte)(remaining % 128);
            remaining /= 128;
            header.Add(remaining > 0 ? (byte)(b | 0x80) : b);
        }
        while (remaining > 0);
        Assert.Equal(1 + lengthBytes, header.Count);
        return [.. header, .. new byte[body]];
    }
}
