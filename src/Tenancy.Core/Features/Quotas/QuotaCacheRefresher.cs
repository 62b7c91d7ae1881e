using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// Runs <see cref="QuotaEnforcer.RefreshAsync"/> every <see cref="QuotaOptions.CacheRefreshInterval"/>
/// (on an injected <see cref="TimeProvider"/>), and has the <see cref="UsageMeter"/> write what it
/// counted once more at shutdown. With an empty cache a tick queries nothing, so hosts that never
/// enforce pay nothing.
/// </summary>
public sealed partial class QuotaCacheRefresher(
    QuotaEnforcer enforcer,
    UsageMeter meter,
    IOptions<QuotaOptions> options,
    TimeProvider clock,
    ILogger<QuotaCacheRefresher> logger) : BackgroundService
{
    /// <summary>Called after every tick, successful or not (tests wait on it instead of sleeping).</summary>
    internal Action? TickCompleted { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.CacheRefreshInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await enforcer.RefreshAsync(settings.CacheIdleTimeout, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    // The cache keeps answering with what it has; the next tick tries again.
                    LogRefreshFailed(ex, settings.CacheRefreshInterval);
                }

                TickCompleted?.Invoke();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await meter.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFinalFlushFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quota cache refresh failed; retrying in {Interval}")]
    private partial void LogRefreshFailed(Exception exception, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write usage counters at shutdown")]
    private partial void LogFinalFlushFailed(Exception exception);
}
