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
/// And at most once every <see cref="GrownEvery"/> when the heap has grown by a twentieth (and at least 8 MB) since just
/// after the last compaction with no more series: what the detectors learn survives a young collection and is promoted,
/// and the old copies it replaced pile up in the oldest generation, which a settled fleet almost never collects (5 full
/// collections in 33 minutes; the heap grew 158 → 166 MB and the host 284 → 302 MB), and which the fragmentation
/// figure cannot see, as it is measured by the last collection, a young one.
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
    private long _settledHeap = -1;

    /// <summary>Why the last compaction was asked for, for the log: "số chuỗi số liệu đã ổn định / the series settled", and so on.</summary>
    public string Why { get; private set; } = "";

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

        // The heap just after a compaction (the first figure seen after one) is what growth is measured from.
        if (_settledHeap < 0)
        {
            _settledHeap = heapBytes;
        }

        var heapGrown = heapBytes >= _settledHeap + Math.Max(GrownAtLeast, _settledHeap / 20) && sinceCompaction >= GrownEvery;
        var grown = seriesCount >= _settledCount + Math.Max(GrowthAtLeast, _settledCount / 10);
        if (!((grown && time.GetElapsedTime(_lastChange) >= QuietFor) || fragmented || heapGrown))
        {
            return false;
        }

        Why = grown && time.GetElapsedTime(_lastChange) >= QuietFor ? "số chuỗi số liệu đã ổn định / the series settled"
            : fragmented ? "nhiều khoảng trống giữa các đối tượng / holes between objects"
            : "bộ nhớ tăng từ lần dồn trước / the heap grew since the last compaction";
        _settledCount = seriesCount;
        _lastCompaction = time.GetTimestamp();
        _settledHeap = -1;
        return true;
    }
}
