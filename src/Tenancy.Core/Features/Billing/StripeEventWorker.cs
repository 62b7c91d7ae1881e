using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tenancy.Core.Jobs;

namespace Tenancy.Core.Features.Billing;

/// <summary>
/// Applies the Stripe event inbox: <see cref="StripeEventProcessor.DrainAsync"/>, then waits for
/// this instance's webhook endpoint (<see cref="BillingSignal"/>) or
/// <see cref="BillingOptions.PollInterval"/>. Runs in the <c>worker</c> and <c>all</c> host roles.
/// </summary>
public sealed class StripeEventWorker(
    IServiceScopeFactory scopes,
    BillingSignal signal,
    IOptions<BillingOptions> options,
    TimeProvider clock,
    ILogger<StripeEventWorker> logger) : QueueWorker(scopes, signal, clock, logger)
{
    protected override string Name => "Stripe event worker";

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override Task<int> DrainAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<StripeEventProcessor>().DrainAsync(cancellationToken);
}
