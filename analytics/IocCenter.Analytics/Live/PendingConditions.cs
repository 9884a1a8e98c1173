using IocCenter.Analytics.Detectors;
using IocCenter.Resilience;

namespace IocCenter.Analytics.Live;

/// <summary>
/// The detectors' raises and clears on their way to the incident store, written in the order they were made. A write
/// that fails (the database locked or full, a disk error) stays first in line with everything behind it, and is tried
/// again with backoff, so the store ends up holding what the detectors believe: before, a failed write was only
/// logged, and the detector went on believing in an incident the store never had. Not thread-safe: the analytics
/// loop owns it.
/// </summary>
internal sealed class PendingConditions(Func<ConditionChange, Task> write, TimeProvider time, TimeSpan retryMax)
{
    private readonly Queue<ConditionChange> _queue = new();
    private int _failures;
    private long _retryAt;

    public int Count => _queue.Count;

    /// <summary>The last write's error while writes are failing; null once one succeeds.</summary>
    public string? Error { get; private set; }

    public void Add(List<ConditionChange> changes)
    {
        foreach (var change in changes)
        {
            _queue.Enqueue(change);
        }
    }

    /// <summary>
    /// Writes what is waiting, in order, unless the last failure's backoff has not run out. Returns false when a write
    /// failed now (it is kept, with everything after it); the exception is passed to <paramref name="failed"/>.
    /// </summary>
    public async Task<bool> WriteAsync(Action<ConditionChange, Exception> failed)
    {
        if (_queue.Count == 0 || (_failures > 0 && time.GetTimestamp() < _retryAt))
        {
            return true;
        }

        // A second at most each pass: after an outage the backlog must not hold the detectors up (they keep reading).
        var started = time.GetTimestamp();
        while (_queue.TryPeek(out var change) && time.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
        {
            try
            {
                await write(change);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var delay = Backoff.Delay(_failures++, TimeSpan.FromMilliseconds(250), retryMax);
                _retryAt = time.GetTimestamp() + (long)(delay.TotalSeconds * time.TimestampFrequency);
                Error = e.Message;
                failed(change, e);
                return false;
            }

            _queue.Dequeue();
            _failures = 0;
            Error = null;
        }

        return true;
    }
}
