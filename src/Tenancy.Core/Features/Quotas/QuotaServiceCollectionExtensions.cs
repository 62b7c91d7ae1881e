using Microsoft.Extensions.DependencyInjection;

namespace Tenancy.Core.Features.Quotas;

public static class QuotaServiceCollectionExtensions
{
    /// <summary>
    /// Quotas: the staff-side <see cref="QuotaService"/> and the product-side <see cref="QuotaEnforcer"/>,
    /// with the <c>Quotas</c> options (its <see cref="QuotaCacheRefreshSweep"/> comes with
    /// <c>AddTenancyJobs</c>). Needs the tenancy database, <see cref="Audit.AuditLog"/>, a
    /// <see cref="TimeProvider"/> and configuration.
    /// </summary>
    public static IServiceCollection AddTenancyQuotas(this IServiceCollection services)
    {
        services.AddOptions<QuotaOptions>()
            .BindConfiguration(QuotaOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<QuotaEnforcer>();
        services.AddSingleton<QuotaService>();
        return services;
    }
}
