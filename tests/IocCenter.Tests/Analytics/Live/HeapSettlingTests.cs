using IocCenter.Analytics.Live;
using Microsoft.Extensions.Time.Testing;

namespace IocCenter.Tests.Analytics.Live;

/// <summary>
/// When the analytics loop compacts the heap (<see cref="HeapSettling"/>): once after the watched series grew and then
/// held still for a minute, not while they grow, not again for the same series, and for fragmentation alone at most
/// every 6 hours. The compaction itself is measured in the host benchmark (README, *Benchmark*): 311–327 → 280 MB.
/// </summary>
public class HeapSettlingTests
{
    private const long MB = 1 << 20;

    [Fact]
    public void AFleetThatConnects_IsCompactedOnce_AMinuteAfterItsLastNewSeries()
    {
        var time = new FakeTimeProvider();
        var settling = new HeapSettling(time);
        var decisions = new List<bool>();
        // 50,000 devices connecting over 20 s (checked every 5 s), then holding still for two minutes.
        foreach (var count in (int[])[0, 60_000, 150_000, 250_000, 300_000])
        {
            decisions.Add(settling.ShouldCompact(count, 40 * MB, 200 * MB));
            time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.DoesNotContain(true, decisions);
        var compactedAt = new List<int>();
        for (var second = 0; second < 120; second += 5)
        {
            if (settling.ShouldCompact(300_000, 40 * MB, 200 * MB))
            {
                compactedAt.Add(second);
            }

            time.Advance(TimeSpan.FromSeconds(5));
        }

        // The count last changed 5 s before this loop began: a minute of quiet is reached at 55 s, and only once.
        Assert.Equal([55], compactedAt);
    }

    [Fact]
    public void AFewNewDevices_DoNotCompactAgain_ButATenthMoreDoes()
    {
        var time = new FakeTimeProvider();
        var settling = new HeapSettling(time);
        Settle(settling, time, 300_000);
        Assert.False(Settle(settling, time, 300_500), "500 more series (under 1,000 and a tenth) compacted again");
        Assert.False(Settle(settling, time, 320_000), "20,000 more (under a tenth of 300,000) compacted again");
        Assert.True(Settle(settling, time, 331_000), "31,000 more than the last compaction's 300,000 did not compact");
    }

    [Fact]
    public void Fragmentation_CompactsAtMostEverySixHours_AndOnlyWhenAFifthOfTheHeapIsHoles()
    {
        var time = new FakeTimeProvider();
        var settling = new HeapSettling(time);
        Settle(settling, time, 1_000);
        time.Advance(TimeSpan.FromHours(7));
        Assert.False(settling.ShouldCompact(1_000, 30 * MB, 100 * MB), "30 MB of holes (under 32 MB) compacted");
        Assert.False(settling.ShouldCompact(1_000, 40 * MB, 300 * MB), "40 MB of holes in 300 MB (under a fifth) compacted");
        Assert.True(settling.ShouldCompact(1_000, 70 * MB, 300 * MB), "70 MB of holes in 300 MB did not compact");
        time.Advance(TimeSpan.FromHours(5));
        Assert.False(settling.ShouldCompact(1_000, 70 * MB, 300 * MB), "compacted again within 6 hours");
        time.Advance(TimeSpan.FromHours(1));
        Assert.True(settling.ShouldCompact(1_000, 70 * MB, 300 * MB), "not compacted again after 6 hours");
    }

    [Fact]
    public void AnEmptyOrSmallFleet_IsNotCompactedOverAndOver()
    {
        var time = new FakeTimeProvider();
        var settling = new HeapSettling(time);
        Assert.False(Settle(settling, time, 0), "an empty fleet compacted");
        Assert.False(Settle(settling, time, 999), "999 series (under the 1,000 floor) compacted");
        Assert.True(Settle(settling, time, 1_000), "1,000 series did not compact");
        Assert.False(Settle(settling, time, 1_999), "999 more (under the floor) compacted again");
    }

    [Fact]
    public void Fragmentation_IsJudged_WhileSeriesKeepArriving()
    {
        var time = new FakeTimeProvider();
        var settling = new HeapSettling(time);
        var count = 1_000;
        var compactions = 0;
        // One new series every 5 s for a day, 70 MB of holes in a 300 MB heap: never a quiet minute, so only
        // fragmentation can compact, every 6 hours.
        for (var check = 0; check < 24 * 720; check++)
        {
            compactions += settling.ShouldCompact(count++, 70 * MB, 300 * MB) ? 1 : 0;
            time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.InRange(compactions, 3, 4);
    }

    /// <summary>The count set, then held for two minutes (checked every 5 s); whether any check compacted.</summary>
    private static bool Settle(HeapSettling settling, FakeTimeProvider time, int count)
    {
        var compacted = false;
        for (var second = 0; second <= 120; second += 5)
        {
            compacted |= settling.ShouldCompact(count, 0, 200 * MB);
            time.Advance(TimeSpan.FromSeconds(5));
        }

        return compacted;
    }
}
