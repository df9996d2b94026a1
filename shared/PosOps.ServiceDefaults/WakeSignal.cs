namespace PosOps.ServiceDefaults;

/// <summary>
/// "There is work" for one waiting loop: any number of wake-ups before the loop looks count as one,
/// and the loop's wait also ends after a timeout, so a periodic check catches what a wake-up missed.
/// </summary>
public class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Wake()
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another wake-up got there first: already signalled.
            }
        }
    }

    /// <summary>Wakes the loop once the delay has passed (e.g. when something it must not take yet becomes due).</summary>
    public void WakeAfter(TimeSpan delay) => _ = Task.Delay(delay).ContinueWith(_ => Wake(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    /// <summary>True when woken, false when the timeout passed.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        signal.Dispose();
        GC.SuppressFinalize(this);
    }
}
