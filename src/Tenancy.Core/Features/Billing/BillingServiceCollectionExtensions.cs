using Microsoft.Extensions.DependencyInjection;
using Tenancy.Core.Features.Suspensions;

namespace Tenancy.Core.Features.Billing;

public static class BillingServiceCollectionExtensions
{
    /// <summary>Billing and suspensions: the webhook receiver, the processor, the sweep and the staff services (no background work).</summary>
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
        services.AddSingleton<SuspensionService>();
        return services;
    }
}
