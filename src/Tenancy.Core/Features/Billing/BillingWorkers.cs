using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tenancy.Core.Features.Billing;

/// <summary>
/// Runs <see cref="StripeEventProcessor"/>: drains the inbox, then waits for a wake-up from this
/// instance's webhook endpoint or <see cref="BillingOptions.PollInterval"/>. Runs in the
/// <c>worker</c> and <c>all</c> host roles.
/// </summary>
public sealed partial class StripeEventWorker(
    StripeEventProcessor processor,
    BillingSignal signal,
    IOptions<BillingOptions> options,
    ILogger<StripeEventWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = options.Value.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await processor.DrainAsync(stoppingToken);
                await signal.WaitAsync(poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database is unreachable or similar: the events stay in the inbox.
                LogBatchFailed(ex, poll);
                try
                {
                    await Task.Delay(poll, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event batch failed; retrying in {Delay}")]
    private partial void LogBatchFailed(Exception exception, TimeSpan delay);
}

/// <summary>
/// Runs <see cref="GraceSweeper"/> every <see cref="BillingOptions.SweepInterval"/> on the
/// injected <see cref="TimeProvider"/>: suspends tenants whose grace ran out, re-queues parked
/// events whose customer has appeared. Runs in the <c>worker</c> and <c>all</c> host roles.
/// </summary>
public sealed partial class GracePeriodSweepService(
    GraceSweeper sweeper,
    IOptions<BillingOptions> options,
    TimeProvider clock,
    ILogger<GracePeriodSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        try
        {
            do
            {
                try
                {
                    await sweeper.RequeueLinkedAsync(stoppingToken);
                    await sweeper.SweepAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    LogSweepFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grace-period sweep failed; the next tick tries again")]
    private partial void LogSweepFailed(Exception exception);
}
