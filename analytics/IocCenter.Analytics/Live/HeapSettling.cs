namespace IocCenter.Analytics.Live;

/// <summary>
/// When the analytics loop compacts the managed heap once: after the set of watched series grew (a fleet connecting,
/// a saved state read at the start) and then stopped growing for <see cref="QuietFor"/>, and at most once every
/// <see cref="FragmentedEvery"/> when more than a fifth of the heap (and at least 32 MB) is free space between live
/// objects. The series' detectors are made once and kept for good, but the map that holds them is doubled as it grows,
/// and every old array is left as a hole in the large-object heap, which the collector does not compact on its own:
/// at 50,000 devices 17–33 MB of the ordinary heap and 9–10 MB of the large-object heap were holes, and the host held
/// 311–314 MB; after one compaction 280–284 MB (README, *Benchmark*). Pure: the loop asks, and does the collection.
/// On in the analytics host only (its appsettings.json): the collection is blocking and stops every thread of the
/// process, which in the all-in-one host includes the embedded broker and the walls' connections (not measured there).
/// And at most once every <see cref="GrownEvery"/> when, with the series holding still, the heap has grown by a
/// twentieth (and at least 8 MB) since the live size the last compaction left (<see cref="Compacted"/>): what survives a
/// young collection is promoted, and garbage piles up in the oldest generation, which a settled fleet almost never
/// collects (5 full collections in 33 minutes), and which the fragmentation figure cannot see, as it comes from the last
/// collection, a young one. Seen once (a 2,000 s run at 50,000 devices, the oldest generation 158 → 166 MiB); in the two
/// runs of 2026-12-05 (45 and 30 minutes) the heap stayed flat and it did not fire: that host's growth was outside the
/// managed heap (README, *Benchmark*).
/// </summary>
internal sealed class HeapSettling(TimeProvider time)
{
    /// <summary>How long the series count must hold still after growing before the heap is compacted.</summary>
    public static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(60);

    /// <summary>The shortest time between two compactions for fragmentation alone.</summary>
    public static readonly TimeSpan FragmentedEvery = TimeSpan.FromHours(6);

    /// <summary>The shortest time between two compactions for growth alone.</summary>
    public static readonly TimeSpan GrownEvery = TimeSpan.FromMinutes(30);

    private const long FragmentedAtLeast = 32L << 20;
    private const long GrownAtLeast = 8L << 20;
    private const int GrowthAtLeast = 1_000;

    private int _settledCount;
    private int _lastCount;
    private long _lastChange = time.GetTimestamp();
    private long _lastCompaction = time.GetTimestamp();
    private long _compactedHeap = -1;

    /// <summary>Why the last compaction was asked for, for the log, in Vietnamese ("số chuỗi số liệu đã ổn định", and so on).</summary>
    public string WhyVi { get; private set; } = "";

    /// <summary>The same in English ("the series settled", and so on).</summary>
    public string WhyEn { get; private set; } = "";

    /// <summary>Whether to compact now, given how many series are watched and the last collection's heap figures.</summary>
    public bool ShouldCompact(int seriesCount, long fragmentedBytes, long heapBytes)
    {
        // Fragmentation is judged whether or not series are still arriving: a fleet that always has a new device now
        // and then must not keep its holes for good (an independent review: 0 compactions in 24 h with one new series
        // every 5 s and 70 MB of holes).
        var sinceCompaction = time.GetElapsedTime(_lastCompaction);
        var fragmented = fragmentedBytes >= Math.Max(FragmentedAtLeast, heapBytes / 5) && sinceCompaction >= FragmentedEvery;
        if (seriesCount != _lastCount)
        {
            _lastCount = seriesCount;
            _lastChange = time.GetTimestamp();
        }

        // Growth is measured from the live size the last compaction left, and only once the series hold still: a fleet
        // still connecting grows for its own reasons, and is compacted once it has settled.
        var quiet = time.GetElapsedTime(_lastChange) >= QuietFor;
        var heapGrown = _compactedHeap >= 0 && quiet && sinceCompaction >= GrownEvery
            && Math.Max(0, heapBytes) - _compactedHeap >= Math.Max(GrownAtLeast, _compactedHeap / 20);
        var settled = seriesCount >= _settledCount + Math.Max(GrowthAtLeast, _settledCount / 10) && quiet;
        if (!(settled || fragmented || heapGrown))
        {
            return false;
        }

        (WhyVi, WhyEn) = settled ? ("số chuỗi số liệu đã ổn định", "the series settled")
            : fragmented ? ("nhiều khoảng trống giữa các đối tượng", "holes between objects")
            : ("bộ nhớ tăng từ lần dồn trước", "the heap grew since the last compaction");
        if (settled)
        {
            _settledCount = seriesCount;
        }

        _lastCompaction = time.GetTimestamp();
        return true;
    }

    /// <summary>
    /// A saved state was read at the start: the loop compacts now, which frees the saved map and what it took to parse
    /// it, and again once the series count has held still for <see cref="QuietFor"/> (the readings are flowing by then;
    /// the series then count as settled, as after a fleet connects). At 50,000 devices: the minute before the settle compaction at 326
    /// MB (peak 348) without the first, 297 MB (peak 317) with it; 288 MB after the second (README, *Benchmark*).
    /// </summary>
    public void StateLoaded()
    {
        (WhyVi, WhyEn) = ("đã đọc trạng thái đã lưu", "the saved state was read");
        _lastCompaction = time.GetTimestamp();
    }

    /// <summary>Tells the live heap size a compaction left (the collection's own figure), which growth is measured from.</summary>
    public void Compacted(long heapBytes) => _compactedHeap = Math.Max(0, heapBytes);
}
