using Microsoft.Extensions.DependencyInjection;

namespace Tenancy.Core.Features.Restore;

public static class RestoreServiceCollectionExtensions
{
    /// <summary>
    /// The change log's upkeep (<see cref="ChangeLogPurge"/>, <see cref="RestoreOptions"/>), the
    /// rewind of one tenant (<see cref="TenantRewind"/>), staff's restore requests
    /// (<see cref="RestoreService"/>) and the job runner (<see cref="RestoreJobRunner"/>); the
    /// <see cref="ChangeLogPurgeSweep"/> and <see cref="RestoreWorker"/> come with
    /// <c>AddTenancyJobs</c>. Capture itself needs no services: the migrations install it as triggers.
    /// </summary>
    public static IServiceCollection AddTenancyRestore(this IServiceCollection services)
    {
        services.AddOptions<RestoreOptions>()
            .BindConfiguration(RestoreOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ChangeLogPurge>();
        services.AddSingleton<TenantRewind>();
        services.AddSingleton<RestoreSignal>();
        services.AddSingleton<RestoreService>();
        services.AddSingleton<RestoreJobRunner>();
        return services;
    }
}
