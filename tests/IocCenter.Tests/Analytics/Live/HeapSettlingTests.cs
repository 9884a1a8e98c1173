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
        Assert.Equal("the series settled", settling.WhyEn);
    }

    [Fact]
    public void AStateReadAtTheStart_IsCompactedThen_AndOnceMoreWhenTheSeriesHaveHeldStillWithReadingsFlowing()
    {
        var time = new FakeTimeProvider();
        var settling = new HeapSettling(time);
        time.Advance(TimeSpan.FromSeconds(2));
        settling.StateLoaded(); // the loop compacts right away
        Assert.Equal("the saved state was read", settling.WhyEn);
        settling.Compacted(190 * MB);

        var compactedAt = new List<int>();
        for (var second = 0; second < 600; second += 5)
        {
            if (settling.ShouldCompact(300_000, 4 * MB, 200 * MB))
            {
                compactedAt.Add(second);
                Assert.Equal("the series settled", settling.WhyEn);
            }

            time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal([60], compactedAt);
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
        Settle(settling, time, 1_000, 300 * MB);
        time.Advance(TimeSpan.FromHours(7));
        Assert.False(settling.ShouldCompact(1_000, 30 * MB, 100 * MB), "30 MB of holes (under 32 MB) compacted");
        Assert.False(settling.ShouldCompact(1_000, 40 * MB, 300 * MB), "40 MB of holes in 300 MB (under a fifth) compacted");
        Assert.True(settling.ShouldCompact(1_000, 70 * MB, 300 * MB), "70 MB of holes in 300 MB did not compact");
        Assert.Equal("holes between objects", settling.WhyEn);
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

    [Fact]
    public void AHeapThatGrowsWithAFleetHeldStill_IsCompactedAtMostEveryHalfHour_FromTheSizeTheLastCompactionLeft()
    {
        var time = new FakeTimeProvider();
        var settling = new HeapSettling(time);
        Assert.True(Settle(settling, time, 300_000, 180 * MB), "a fleet held still did not compact");
        Assert.Equal("the series settled", settling.WhyEn);

        // The compaction left 170 MB live: growth is measured from there (a twentieth is 8.5 MB).
        settling.Compacted(170 * MB);
        time.Advance(TimeSpan.FromMinutes(40));
        Assert.False(settling.ShouldCompact(300_000, 0, 178 * MB), "8 MB more (under a twentieth of 170 MB) compacted");
        Assert.True(settling.ShouldCompact(300_000, 0, 179 * MB), "9 MB more than 170 MB after 40 minutes did not compact");
        Assert.Equal("the heap grew since the last compaction", settling.WhyEn);
        Assert.Equal("bộ nhớ tăng từ lần dồn trước", settling.WhyVi);

        // Measured again from what this compaction left (171 MB), and not again within half an hour of it.
        settling.Compacted(171 * MB);
        time.Advance(TimeSpan.FromMinutes(29));
        Assert.False(settling.ShouldCompact(300_000, 0, 200 * MB), "compacted again within half an hour");
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(settling.ShouldCompact(300_000, 0, 200 * MB), "29 MB more after half an hour did not compact");
    }

    [Fact]
    public void Growth_NeedsACompactionToMeasureFrom_AndEightMegabytesAtLeast()
    {
        var time = new FakeTimeProvider();
        var settling = new HeapSettling(time);
        Assert.False(settling.ShouldCompact(0, 0, 0), "an empty host compacted");
        time.Advance(TimeSpan.FromHours(1));
        Assert.False(settling.ShouldCompact(0, 0, 100 * MB), "growth from nothing (no compaction yet) compacted");

        settling.Compacted(20 * MB);
        Assert.False(settling.ShouldCompact(0, 0, 27 * MB), "7 MB more than 20 MB (a third, but under 8 MB) compacted");
        Assert.True(settling.ShouldCompact(0, 0, 28 * MB), "8 MB more than 20 MB did not compact");
    }

    [Fact]
    public void AFleetThatTakesHalfAnHourToConnect_IsCompactedOnceItHasSettled_NotHalfwayForItsGrowth()
    {
        var time = new FakeTimeProvider();
        var settling = new HeapSettling(time);
        var compactions = new List<(int Count, string Why)>();
        void Check(int count, long heap)
        {
            if (settling.ShouldCompact(count, 0, heap))
            {
                compactions.Add((count, settling.WhyEn));
                settling.Compacted(heap);
            }

            time.Advance(TimeSpan.FromSeconds(5));
        }

        // An earlier small fleet settled and was compacted (20 MB live); then 300,000 series connect over 31 minutes,
        // the heap growing with them to 170 MB, and hold still for two minutes.
        Settle(settling, time, 2_000, 20 * MB);
        compactions.Clear();
        settling.Compacted(20 * MB);
        const int Checks = 31 * 12;
        for (var check = 1; check <= Checks; check++)
        {
            Check(2_000 + (298_000 * check / Checks), (20 * MB) + (150 * MB * check / Checks));
        }

        for (var check = 0; check < 24; check++)
        {
            Check(300_000, 170 * MB);
        }

        Assert.Equal([(300_000, "the series settled")], compactions);
    }

    /// <summary>The count set, then held for two minutes (checked every 5 s); whether any check compacted.</summary>
    private static bool Settle(HeapSettling settling, FakeTimeProvider time, int count, long heap = 200 * MB)
    {
        var compacted = false;
        for (var second = 0; second <= 120; second += 5)
        {
            compacted |= settling.ShouldCompact(count, 0, heap);
            time.Advance(TimeSpan.FromSeconds(5));
        }

        return compacted;
    }
}
