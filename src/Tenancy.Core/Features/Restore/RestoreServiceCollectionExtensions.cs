using Microsoft.Extensions.DependencyInjection;

namespace Tenancy.Core.Features.Restore;

public static class RestoreServiceCollectionExtensions
{
    /// <summary>
    /// The change log's upkeep (<see cref="ChangeLogPurge"/>, <see cref="RestoreOptions"/>; its
    /// <see cref="ChangeLogPurgeSweep"/> comes with <c>AddTenancyJobs</c>) and the rewind of one
    /// tenant (<see cref="TenantRewind"/>). Capture itself needs no services: the migrations
    /// install it as triggers.
    /// </summary>
    public static IServiceCollection AddTenancyRestore(this IServiceCollection services)
    {
        services.AddOptions<RestoreOptions>()
            .BindConfiguration(RestoreOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ChangeLogPurge>();
        services.AddSingleton<TenantRewind>();
        return services;
    }
}
