using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Jobs;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// Runs <see cref="QuotaEnforcer.RefreshAsync"/> every <see cref="QuotaOptions.CacheRefreshInterval"/>
/// (the first one interval after start: the cache starts empty), and has the
/// <see cref="UsageMeter"/> write what it counted once more at shutdown. With an empty cache a run queries nothing, so hosts that never
/// enforce pay nothing. The cache is this process's own (the enforcer is a singleton), so every
/// process that enforces quotas runs this sweep.
/// </summary>
public sealed partial class QuotaCacheRefreshSweep(
    IServiceScopeFactory scopes,
    QuotaEnforcer enforcer,
    UsageMeter meter,
    IOptions<QuotaOptions> options,
    TimeProvider clock,
    ILogger<QuotaCacheRefreshSweep> logger) : PeriodicSweep(scopes, clock, logger)
{
    protected override string Name => "Quota cache refresh";

    protected override TimeSpan Interval => options.Value.CacheRefreshInterval;

    protected override bool RunsAtStart => false;

    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        enforcer.RefreshAsync(options.Value.CacheIdleTimeout, cancellationToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await meter.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFinalFlushFailed(Logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write usage counters at shutdown")]
    private static partial void LogFinalFlushFailed(ILogger logger, Exception exception);
}
