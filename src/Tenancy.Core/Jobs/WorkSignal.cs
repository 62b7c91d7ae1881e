namespace Tenancy.Core.Jobs;

/// <summary>
/// Wakes this instance's <see cref="QueueWorker"/> when this instance has just queued work for it.
/// Only a nudge: the row is the work, and the worker also polls, so work queued by other
/// instances (and retries falling due) is found too. One subclass per queue, so each worker is
/// woken by its own.
/// </summary>
public class WorkSignal
{
    private readonly SemaphoreSlim wake = new(0, 1);

    public void Wake()
    {
        try
        {
            if (wake.CurrentCount == 0)
            {
                wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    /// <summary>
    /// Waits for a wake-up or for <paramref name="timeout"/> on <paramref name="clock"/>, whichever
    /// comes first; true when woken.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var timedOut = new CancellationTokenSource(timeout, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timedOut.Token);
        try
        {
            await wake.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (timedOut.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
