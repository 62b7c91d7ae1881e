using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Tenancy.E2E.Hosting;

/// <summary>
/// Counts the portal's Blazor circuits as they open and close, so a test can wait until the
/// server has torn down the circuit of a page it closed (its components disposed) before it
/// looks at the log.
/// </summary>
public sealed class CircuitTracker : CircuitHandler
{
    private int _closed;

    public int Closed => Volatile.Read(ref _closed);

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _closed);
        return Task.CompletedTask;
    }

    /// <summary>Waits (polling, up to <paramref name="timeout"/>) until more than <paramref name="closedBefore"/> circuits have closed.</summary>
    public async Task WaitForClosedAsync(int closedBefore, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (Closed <= closedBefore)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"No circuit closed within {timeout} ({Closed} closed in all).");
            }

            await Task.Delay(50);
        }
    }
}
