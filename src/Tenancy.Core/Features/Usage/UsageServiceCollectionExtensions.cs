using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Tenancy.Core.Features.Usage;

public static class UsageServiceCollectionExtensions
{
    /// <summary>
    /// Usage: the process's <see cref="UsageMeter"/> (once, however often called: the features
    /// that ask it register it too), <see cref="UsageOptions"/> (section <c>Usage</c>), the ingest
    /// API's keys (<see cref="UsageApiKeys"/>) and batches (<see cref="UsageIngest"/>); the
    /// <see cref="UsageIngestIdPurgeSweep"/> comes with <c>AddTenancyJobs</c>. Needs the tenancy
    /// database and a <see cref="TimeProvider"/>.
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UsageOptions>, UsageOptionsValidator>());
        services.TryAddSingleton<UsageApiKeys>();
        services.TryAddSingleton<UsageIngest>();
        return services;
    }
}

/// <summary>What the attributes of <see cref="UsageOptions"/> cannot say: how two settings relate.</summary>
internal sealed class UsageOptionsValidator : IValidateOptions<UsageOptions>
{
    public ValidateOptionsResult Validate(string? name, UsageOptions options) =>
        // An event is taken until it is MaxEventAge old and its id, received no earlier than the
        // event happened, is kept IngestIdRetention: a re-send that is still taken finds its id.
        options.MaxEventAge > options.IngestIdRetention
            ? ValidateOptionsResult.Fail(
                $"Usage:MaxEventAge ({options.MaxEventAge}) must not be longer than Usage:IngestIdRetention ({options.IngestIdRetention}): " +
                "an event re-sent after its id was purged would count twice.")
            : ValidateOptionsResult.Success;
}
