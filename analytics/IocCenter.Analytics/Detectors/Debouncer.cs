using IocCenter.Analytics.Incidents;

namespace IocCenter.Analytics.Detectors;

/// <summary>
/// Hysteresis in time for one condition of one device: it is raised once it has held for <c>minDuration</c>,
/// and cleared once it has been absent for <c>clearAfter</c>; a flapping signal raises nothing. A raise is
/// repeated only when the severity goes up.
/// </summary>
public sealed class Debouncer(TimeSpan minDuration, TimeSpan clearAfter)
{
    private long _presentSince = -1;
    private long _absentSince = -1;
    private Severity? _raised;

    public bool Raised => _raised is not null;

    /// <summary>Feeds one observation; returns true with <paramref name="present"/> set when the incident should be raised or cleared.</summary>
    public bool Observe(bool condition, Severity severity, long atMs, out bool present)
    {
        present = condition;
        if (condition)
        {
            _absentSince = -1;
            if (_presentSince < 0)
            {
                _presentSince = atMs;
            }

            if (atMs - _presentSince >= (long)minDuration.TotalMilliseconds && (_raised is null || severity > _raised))
            {
                _raised = severity;
                return true;
            }

            return false;
        }

        _presentSince = -1;
        if (_raised is null)
        {
            return false;
        }

        if (_absentSince < 0)
        {
            _absentSince = atMs;
        }

        if (atMs - _absentSince >= (long)clearAfter.TotalMilliseconds)
        {
            _raised = null;
            _absentSince = -1;
            return true;
        }

        return false;
    }
}
