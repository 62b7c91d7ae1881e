using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tenancy.Core.Jobs;

namespace Tenancy.Core.Features.Usage;

/// <summary>
/// Runs <see cref="UsageIngest.PurgeIdsAsync"/> every <see cref="Every"/>, the first at start: the
/// ingest API's event ids are kept for <see cref="UsageOptions.IngestIdRetention"/> (days), so an
/// hour late is nothing.
/// </summary>
public sealed class UsageIngestIdPurgeSweep(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<UsageIngestIdPurgeSweep> logger) : PeriodicSweep(scopes, clock, logger)
{
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override string Name => "Usage ingest id purge";

    protected override TimeSpan Interval => Every;

    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<UsageIngest>().PurgeIdsAsync(cancellationToken: cancellationToken);
}
