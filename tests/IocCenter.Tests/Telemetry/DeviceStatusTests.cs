using System.Buffers;
using System.Text;
using IocCenter.Telemetry;

namespace IocCenter.Tests.Telemetry;

public class DeviceStatusTests
{
    [Theory]
    [InlineData("online", true, true)]
    [InlineData("offline", true, false)]
    [InlineData("abcdef", false, false)]
    [InlineData("Online", false, false)]
    [InlineData("offline ", false, false)]
    [InlineData("", false, false)]
    public void TryParse_OnlyTheTwoContractWords(string payload, bool valid, bool online)
    {
        Assert.Equal(valid, DeviceStatus.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)), out var parsed));
        Assert.Equal(online, parsed);
    }
}
