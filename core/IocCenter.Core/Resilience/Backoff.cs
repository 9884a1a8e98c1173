namespace IocCenter.Resilience;

/// <summary>Exponential backoff with full jitter: spreads the retries of many instances after a shared outage.</summary>
public static class Backoff
{
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan max)
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(Math.Max(initial.TotalMilliseconds / 2, Random.Shared.NextDouble() * ceiling));
    }
}
