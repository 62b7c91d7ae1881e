using Microsoft.Extensions.DependencyInjection;

namespace Tenancy.Core.Features.Suspensions;

public static class SuspensionServiceCollectionExtensions
{
    /// <summary>
    /// Suspensions: the staff-side <see cref="SuspensionService"/>. Needs the tenancy database,
    /// <see cref="Audit.AuditLog"/>, a <see cref="TimeProvider"/> and an
    /// <see cref="Access.IBillingStandingReader"/> (billing registers it).
    /// </summary>
    public static IServiceCollection AddTenancySuspensions(this IServiceCollection services)
    {
        services.AddSingleton<SuspensionService>();
        return services;
    }
}
