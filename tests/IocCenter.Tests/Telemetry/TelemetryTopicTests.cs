using IocCenter.Telemetry;

namespace IocCenter.Tests.Telemetry;

public class TelemetryTopicTests
{
    private readonly NamePool _pool = new();

    [Theory]
    [InlineData("ioc/v1/traffic/dt-trf-001/telemetry", TelemetryDomain.Traffic, "dt-trf-001", TopicKind.Telemetry)]
    [InlineData("ioc/v1/environment/AQ.station_7/status", TelemetryDomain.Environment, "AQ.station_7", TopicKind.Status)]
    [InlineData("ioc/v1/connectivity/9/telemetry", TelemetryDomain.Connectivity, "9", TopicKind.Telemetry)]
    public void TryParse_ValidTopic_ReturnsParts(string topic, TelemetryDomain domain, string device, TopicKind kind)
    {
        Assert.Equal(RejectReason.None, TelemetryTopic.TryParse(topic, _pool, out var parsed));
        Assert.Equal(new TelemetryTopic(domain, device, kind), parsed);
    }

    [Theory]
    [InlineData("ioc/v2/traffic/d1/telemetry", RejectReason.TopicInvalid)]
    [InlineData("ioc/v1/traffic/d1", RejectReason.TopicInvalid)]
    [InlineData("ioc/v1/traffic/d1/extra/telemetry", RejectReason.TopicInvalid)]
    [InlineData("ioc/v1/traffic/d1/metrics", RejectReason.TopicInvalid)]
    [InlineData("ioc/v1//d1/telemetry", RejectReason.TopicInvalid)]
    [InlineData("ioc/v1/weather/d1/telemetry", RejectReason.DomainUnknown)]
    [InlineData("ioc/v1/Traffic/d1/telemetry", RejectReason.DomainUnknown)]
    [InlineData("ioc/v1/traffic//telemetry", RejectReason.DeviceIdInvalid)]
    [InlineData("ioc/v1/traffic/-d1/telemetry", RejectReason.DeviceIdInvalid)]
    [InlineData("ioc/v1/traffic/d,1/telemetry", RejectReason.DeviceIdInvalid)]
    [InlineData("ioc/v1/traffic/d 1/telemetry", RejectReason.DeviceIdInvalid)]
    [InlineData("ioc/v1/traffic/d=1/telemetry", RejectReason.DeviceIdInvalid)]
    [InlineData("ioc/v1/traffic/d\"1/telemetry", RejectReason.DeviceIdInvalid)]
    [InlineData("ioc/v1/traffic/d\\1/telemetry", RejectReason.DeviceIdInvalid)]
    [InlineData("ioc/v1/traffic/d\n1/telemetry", RejectReason.DeviceIdInvalid)]
    [InlineData("ioc/v1/traffic/thiết-bị/telemetry", RejectReason.DeviceIdInvalid)]
    public void TryParse_InvalidTopic_RejectsWithReason(string topic, RejectReason expected) =>
        Assert.Equal(expected, TelemetryTopic.TryParse(topic, _pool, out _));

    [Fact]
    public void TryParse_DeviceIdOf65Chars_IsRejected() =>
        Assert.Equal(RejectReason.DeviceIdInvalid, TelemetryTopic.TryParse($"ioc/v1/traffic/{new string('a', 65)}/telemetry", _pool, out _));

    [Fact]
    public void TryParse_SameDevice_ReturnsPooledString()
    {
        TelemetryTopic.TryParse("ioc/v1/traffic/d1/telemetry", _pool, out var first);
        TelemetryTopic.TryParse("ioc/v1/traffic/d1/status", _pool, out var second);
        Assert.Same(first.DeviceId, second.DeviceId);
    }

    [Theory]
    [InlineData("ioc/v1/deadletter/json_invalid")]
    [InlineData("ioc/v1/incidents/abc")]
    public void IsServiceTopic_OwnTopics_AreRecognised(string topic) => Assert.True(TelemetryTopic.IsServiceTopic(topic));
}
