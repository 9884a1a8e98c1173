using IocCenter.Telemetry;

namespace IocCenter.Tests.Telemetry;

public class TimestampsTests
{
    [Theory]
    [InlineData("2026-11-22T10:15:30.123Z", 1795342530123)]
    [InlineData("2026-11-22T17:15:30.123+07:00", 1795342530123)]
    [InlineData("2026-11-22T17:15:30.123+0700", 1795342530123)]
    [InlineData("2026-11-22T05:15:30.123-05:00", 1795342530123)]
    [InlineData("2026-11-22T10:15:30Z", 1795342530000)]
    public void TryParseIso8601_WithOffset_ReturnsEpochMs(string text, long expected)
    {
        Assert.True(Timestamps.TryParseIso8601(text, out var ms));
        Assert.Equal(expected, ms);
    }

    [Theory]
    [InlineData("2026-11-22T10:15:30")]
    [InlineData("2026-11-22 10:15:30Z")]
    [InlineData("2026-11-22")]
    [InlineData("2026-13-22T10:15:30Z")]
    [InlineData("22/11/2026T10:15:30Z")]
    public void TryParseIso8601_WithoutOffsetOrMalformed_Fails(string text) => Assert.False(Timestamps.TryParseIso8601(text, out _));
}
