using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tenancy.Core.Jobs;

/// <summary>
/// How a periodic scan (a <c>…Sweep</c>) runs: <see cref="RunAsync"/> every <see cref="Interval"/>
/// on a <see cref="PeriodicTimer"/> over the injected <see cref="TimeProvider"/>, each run with
/// services from a DI scope of its own. A run that throws is logged and the next tick tries again;
/// stopping the host cancels the run under way. Several instances run the same sweep, so a run
/// must be idempotent.
/// </summary>
public abstract class PeriodicSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>What the logs call this sweep ("Grace-period sweep").</summary>
    protected abstract string Name { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>
    /// Whether the first run is at start (catching up on what fell due while no instance ran) or
    /// one <see cref="Interval"/> later.
    /// </summary>
    protected virtual bool RunsAtStart => true;

    protected ILogger Logger => logger;

    /// <summary>One run, with <paramref name="services"/> from the run's own scope.</summary>
    protected abstract Task RunAsync(IServiceProvider services, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = Interval;
        using var timer = new PeriodicTimer(interval, clock);
        JobLog.SweepStarted(logger, Name, interval);
        try
        {
            if (RunsAtStart)
            {
                await RunOnceAsync(stoppingToken);
            }

            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var started = clock.GetTimestamp();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await RunAsync(scope.ServiceProvider, stoppingToken);
            JobLog.SweepRan(logger, Name, clock.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            JobLog.SweepFailed(logger, ex, Name, Interval);
        }
    }
}
