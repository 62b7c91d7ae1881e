using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tenancy.Core.Jobs;

namespace Tenancy.Core.Features.Usage;

/// <summary>Rolls new minute buckets into days every <see cref="UsageOptions.RollupInterval"/>; any number of processes may run it.</summary>
public sealed class UsageRollupSweep(
    IServiceScopeFactory scopes, IOptions<UsageOptions> options, TimeProvider clock, ILogger<UsageRollupSweep> logger)
    : PeriodicSweep(scopes, clock, logger)
{
    protected override string Name => "Usage rollup";

    protected override TimeSpan Interval => options.Value.RollupInterval;

    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<UsageRollup>().RunAsync(cancellationToken: cancellationToken);
}

/// <summary>Snapshots the gauges of tenants whose data changed, every <see cref="UsageOptions.GaugeSnapshotInterval"/>.</summary>
public sealed class UsageGaugeSweep(
    IServiceScopeFactory scopes, IOptions<UsageOptions> options, TimeProvider clock, ILogger<UsageGaugeSweep> logger)
    : PeriodicSweep(scopes, clock, logger)
{
    protected override string Name => "Usage gauge snapshot";

    protected override TimeSpan Interval => options.Value.GaugeSnapshotInterval;

    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<UsageGauges>().SnapshotChangedAsync(cancellationToken);
}

/// <summary>Drops usage past its retention (raw buckets, hours, days, write ids), hourly.</summary>
public sealed class UsagePurgeSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger<UsagePurgeSweep> logger)
    : PeriodicSweep(scopes, clock, logger)
{
    protected override string Name => "Usage purge";

    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<UsageRollup>().PurgeAsync(cancellationToken);
}
