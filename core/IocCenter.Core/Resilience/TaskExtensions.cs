namespace IocCenter.Resilience;

public static class TaskExtensions
{
    /// <summary>Awaits a wait that ends by cancellation when the service stops; the caller's loop decides what next.</summary>
    public static async Task IgnoreCancellationAsync(this Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
