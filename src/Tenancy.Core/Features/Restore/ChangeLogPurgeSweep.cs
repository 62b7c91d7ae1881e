using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tenancy.Core.Jobs;

namespace Tenancy.Core.Features.Restore;

/// <summary>
/// Runs <see cref="ChangeLogPurge.PurgeAsync"/> every <see cref="RestoreOptions.PurgeInterval"/>,
/// the first at start, so the coming weeks' partitions exist before their changes arrive.
/// </summary>
public sealed class ChangeLogPurgeSweep(
    IServiceScopeFactory scopes,
    IOptions<RestoreOptions> options,
    TimeProvider clock,
    ILogger<ChangeLogPurgeSweep> logger) : PeriodicSweep(scopes, clock, logger)
{
    protected override string Name => "Change-log purge";

    protected override TimeSpan Interval => options.Value.PurgeInterval;

    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<ChangeLogPurge>().PurgeAsync(cancellationToken);
}
