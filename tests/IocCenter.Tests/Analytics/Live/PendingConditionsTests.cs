using IocCenter.Analytics.Detectors;
using IocCenter.Analytics.Incidents;
using IocCenter.Analytics.Live;
using Microsoft.Extensions.Time.Testing;

namespace IocCenter.Tests.Analytics.Live;

public class PendingConditionsTests
{
    private static ConditionChange Change(string device, bool present) =>
        new(IncidentKind.DeviceOffline, device, "an-1", present, Severity.Major, new Evidence("status", 1), 0);

    [Fact]
    public async Task FailedWrite_IsKeptInOrderWithWhatFollows_RetriedAfterBackoff_UntilStored()
    {
        var time = new FakeTimeProvider();
        var stored = new List<(string?, bool)>();
        var failuresLeft = 2;
        var pending = new PendingConditions(change =>
        {
            if (change.DeviceId == "b" && failuresLeft > 0)
            {
                failuresLeft--;
                throw new InvalidOperationException("database is locked");
            }

            stored.Add((change.DeviceId, change.Present));
            return Task.CompletedTask;
        }, time, TimeSpan.FromSeconds(30));
        var failed = new List<string>();

        pending.Add([Change("a", true), Change("b", true), Change("b", false), Change("c", true)]);
        Assert.False(await pending.WriteAsync((c, e) => failed.Add($"{c.DeviceId}: {e.Message}")));
        Assert.Equal([("a", true)], stored);
        Assert.Equal(3, pending.Count);
        Assert.Equal("database is locked", pending.Error);

        // Within the backoff nothing is tried; after it, "b" fails once more, then everything goes through in order.
        Assert.True(await pending.WriteAsync((c, e) => failed.Add(c.DeviceId!)));
        Assert.Single(stored);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await pending.WriteAsync((c, e) => failed.Add($"{c.DeviceId}: {e.Message}")));
        pending.Add([Change("d", true)]);
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(await pending.WriteAsync((c, e) => failed.Add(c.DeviceId!)));

        Assert.Equal([("a", true), ("b", true), ("b", false), ("c", true), ("d", true)], stored);
        Assert.Equal(["b: database is locked", "b: database is locked"], failed);
        Assert.Equal(0, pending.Count);
        Assert.Null(pending.Error);
    }
}
