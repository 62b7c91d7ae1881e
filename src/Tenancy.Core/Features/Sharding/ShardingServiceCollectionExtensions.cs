using Microsoft.Extensions.DependencyInjection;

namespace Tenancy.Core.Features.Sharding;

public static class ShardingServiceCollectionExtensions
{
    /// <summary>Where tenants live on a Citus cluster and isolating one (<see cref="TenantShardService"/>).</summary>
    public static IServiceCollection AddTenancySharding(this IServiceCollection services)
    {
        services.AddSingleton<TenantShardService>();
        return services;
    }
}
