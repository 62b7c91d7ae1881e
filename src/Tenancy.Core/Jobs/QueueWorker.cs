using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tenancy.Core.Jobs;

/// <summary>
/// How a queue consumer (a <c>…Worker</c>) runs: it drains its queue, each drain with services
/// from a DI scope of its own, then waits until this instance queues something
/// (<see cref="WorkSignal"/>) or <see cref="PollInterval"/> passes on the injected
/// <see cref="TimeProvider"/> (work queued by other instances, retries falling due). A drain that
/// throws (the database is unreachable, say) is logged and tried again a poll interval later; its
/// rows stay in the queue. Workers claim rows with <see cref="QueueClaims.ClaimAsync"/>, so any
/// number of instances may run the same worker.
/// </summary>
public abstract class QueueWorker(IServiceScopeFactory scopes, WorkSignal signal, TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>What the logs call this worker ("Stripe event worker").</summary>
    protected abstract string Name { get; }

    /// <summary>How long to wait for a wake-up before looking at the queue anyway.</summary>
    protected abstract TimeSpan PollInterval { get; }

    /// <summary>Handles everything due, with <paramref name="services"/> from the drain's own scope; returns how many items it handled.</summary>
    protected abstract Task<int> DrainAsync(IServiceProvider services, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = PollInterval;
        JobLog.WorkerStarted(logger, Name, poll);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using (var scope = scopes.CreateAsyncScope())
                {
                    if (await DrainAsync(scope.ServiceProvider, stoppingToken) is var handled and > 0)
                    {
                        JobLog.Drained(logger, Name, handled);
                    }
                }

                await signal.WaitAsync(poll, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                JobLog.DrainFailed(logger, ex, Name, poll);
                try
                {
                    await Task.Delay(poll, clock, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }
    }
}
