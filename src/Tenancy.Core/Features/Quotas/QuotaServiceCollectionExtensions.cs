using Microsoft.Extensions.DependencyInjection;
using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

public static class QuotaServiceCollectionExtensions
{
    /// <summary>
    /// Quotas: the staff-side <see cref="QuotaService"/>, the product-side <see cref="QuotaEnforcer"/>
    /// (also told when a tenant's access changes, as an <see cref="ITenantAccessObserver"/>) with the
    /// <c>Quotas</c> options, and the usage meter the enforcer asks (its
    /// <see cref="QuotaCacheRefreshSweep"/> comes with <c>AddTenancyJobs</c>). Needs the tenancy
    /// database, <see cref="Audit.AuditLog"/>, a
    /// <see cref="TimeProvider"/> and configuration.
    /// </summary>
    public static IServiceCollection AddTenancyQuotas(this IServiceCollection services)
    {
        services.AddOptions<QuotaOptions>()
            .BindConfiguration(QuotaOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddTenancyUsage();
        services.AddSingleton<QuotaEnforcer>();
        services.AddSingleton<ITenantAccessObserver>(sp => sp.GetRequiredService<QuotaEnforcer>());
        services.AddSingleton<QuotaService>();
        services.AddSingleton<QuotaPressureUpdater>();
        services.AddSingleton<IUsageRollupObserver>(sp => sp.GetRequiredService<QuotaPressureUpdater>());
        services.AddSingleton<UsageCharts>();
        return services;
    }
}
