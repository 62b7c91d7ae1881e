using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tenancy.Core.Jobs;

namespace Tenancy.Core.Features.Restore;

/// <summary>
/// Runs queued restores (<see cref="RestoreJobRunner.DrainAsync"/>), woken by a request on this
/// instance (<see cref="RestoreSignal"/>) or every <see cref="RestoreOptions.PollInterval"/>.
/// Runs in the <c>worker</c> and <c>all</c> host roles.
/// </summary>
public sealed class RestoreWorker(
    IServiceScopeFactory scopes,
    RestoreSignal signal,
    IOptions<RestoreOptions> options,
    TimeProvider clock,
    ILogger<RestoreWorker> logger) : QueueWorker(scopes, signal, clock, logger)
{
    protected override string Name => "Restore worker";

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override Task<int> DrainAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<RestoreJobRunner>().DrainAsync(cancellationToken);
}
