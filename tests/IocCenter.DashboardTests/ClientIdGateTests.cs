using IocCenter.Dashboard.Broker;
using Microsoft.Extensions.Time.Testing;

namespace IocCenter.DashboardTests;

/// <summary>The embedded broker's one-connection-at-a-time per client id, on fake time.</summary>
public sealed class ClientIdGateTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task EnterAsync_SameId_WaitsForTheHolder_OtherIdsDoNot_AndNothingIsKeptAfterwards()
    {
        var gate = new ClientIdGate(TimeSpan.FromSeconds(5), _time);
        var first = await gate.EnterAsync("dev-1");
        var second = gate.EnterAsync("dev-1");
        var other = await gate.EnterAsync("dev-2"); // not held up by dev-1
        Assert.False(second.IsCompleted);

        first.Dispose();
        first.Dispose(); // twice: no second release
        var held = await second.WaitAsync(TimeSpan.FromSeconds(10));
        var third = gate.EnterAsync("dev-1");
        Assert.False(third.IsCompleted); // the double dispose did not let a third one in

        held.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        other.Dispose();
        Assert.Equal(0, gate.Count);
    }

    [Fact]
    public async Task EnterAsync_AHolderThatNeverLetsGo_HoldsOthersUpOnlyForTheTimeout()
    {
        var timedOut = new List<string>();
        var gate = new ClientIdGate(TimeSpan.FromSeconds(5), _time, timedOut.Add);
        var stuck = await gate.EnterAsync("dev-1");
        var waiting = gate.EnterAsync("dev-1");
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(waiting.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(0.2));
        var unguarded = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["dev-1"], timedOut); // counted (ioc_broker_client_id_wait_timeouts_total) and logged

        // The one that went ahead unguarded must not release what it never held: the stuck one still holds the id.
        unguarded.Dispose();
        var after = gate.EnterAsync("dev-1");
        Assert.False(after.IsCompleted);
        stuck.Dispose();
        (await after.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.Equal(0, gate.Count);
    }
}
