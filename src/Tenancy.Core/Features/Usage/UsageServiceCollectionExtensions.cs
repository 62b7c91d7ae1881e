using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Tenancy.Core.Features.Usage;

public static class UsageServiceCollectionExtensions
{
    /// <summary>
    /// Usage: the process's <see cref="UsageMeter"/> (once, however often called: the features
    /// that ask it register it too). Needs the tenancy database and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddTenancyUsage(this IServiceCollection services)
    {
        services.TryAddSingleton<UsageMeter>();
        services.TryAddSingleton<UsageRollup>();
        services.TryAddSingleton<UsageGauges>();
        services.AddOptions<UsageOptions>()
            .BindConfiguration(UsageOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
