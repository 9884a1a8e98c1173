using System.Buffers;
using IocCenter.Telemetry;

namespace IocCenter.Tests.Telemetry;

public sealed class DeadLetterTests
{
    [Fact]
    public void Create_AHugeTopic_IsCutAndTheDetailSaysSo()
    {
        var topic = "ioc/v1/traffic/" + new string('x', 60_000) + "/telemetry";
        var letter = DeadLetter.Create(topic, RejectReason.DeviceIdInvalid, "device id too long", DateTimeOffset.UnixEpoch, new ReadOnlySequence<byte>("{}"u8.ToArray()));
        Assert.Equal(DeadLetter.TopicChars, letter.Topic.Length);
        Assert.StartsWith("ioc/v1/traffic/xxx", letter.Topic, StringComparison.Ordinal);
        Assert.Contains("device id too long", letter.Detail, StringComparison.Ordinal);
        Assert.Contains($"topic cut from {topic.Length} chars", letter.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_AnOrdinaryTopic_IsKeptWhole()
    {
        var letter = DeadLetter.Create("ioc/v1/traffic/tr-1/telemetry", RejectReason.JsonInvalid, null, DateTimeOffset.UnixEpoch, ReadOnlySequence<byte>.Empty);
        Assert.Equal("ioc/v1/traffic/tr-1/telemetry", letter.Topic);
        Assert.Null(letter.Detail);
    }
}
