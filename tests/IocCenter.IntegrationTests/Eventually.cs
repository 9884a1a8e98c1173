namespace IocCenter.IntegrationTests;

/// <summary>Waits on a condition with a deadline, checking it on a timer; never a fixed sleep.</summary>
internal static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}: still {value} after {timeout.TotalSeconds:N0} s");
            }

            await timer.WaitForNextTickAsync();
        }
    }
}
