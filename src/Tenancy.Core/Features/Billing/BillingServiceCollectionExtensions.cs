using Microsoft.Extensions.DependencyInjection;
using Tenancy.Core.Features.Access;

namespace Tenancy.Core.Features.Billing;

public static class BillingServiceCollectionExtensions
{
    /// <summary>
    /// Billing: the webhook receiver, the processor, the sweep, the staff service and the
    /// <see cref="IBillingStandingReader"/> the status rule reads (no background work).
    /// </summary>
    public static IServiceCollection AddTenancyBilling(this IServiceCollection services)
    {
        services.AddOptions<BillingOptions>()
            .BindConfiguration(BillingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<StripeOptions>()
            .BindConfiguration(StripeOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<BillingSignal>();
        services.AddSingleton<StripeWebhookReceiver>();
        services.AddSingleton<StripeEventProcessor>();
        services.AddSingleton<GraceSweeper>();
        services.AddSingleton<BillingService>();
        services.AddSingleton<IBillingStandingReader, BillingStandingReader>();
        return services;
    }
}
