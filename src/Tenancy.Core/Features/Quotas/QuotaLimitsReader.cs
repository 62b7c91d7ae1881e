using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// Reads tenants' limits as the enforcer caches them (<see cref="TenantQuotaLimits"/>): each
/// tenant's status and plan, its overrides, every plan's defaults (kept between reads), and what
/// <see cref="TenantAccess"/> makes of the status, with a suspended tenant's active suspensions
/// in words. One path for a tenant loaded on first use (blocking or not), one reloaded after a
/// change here, and the batches a refresh reloads.
/// </summary>
internal sealed class QuotaLimitsReader
{
    private const int Chunk = 1_000;

    private volatile PlanDefaults? plans;

    /// <summary>
    /// The limits of each of <paramref name="tenantIds"/> (an unknown tenant's deny everything).
    /// With <paramref name="async"/> false every query runs synchronously and the task is complete on return.
    /// </summary>
    public async ValueTask<Dictionary<Guid, TenantQuotaLimits>> ReadAsync(
        TenancyDbContext db, List<Guid> tenantIds, bool async, CancellationToken cancellationToken)
    {
        var defaults = plans ?? await ReadPlansAsync(db, async, cancellationToken);
        var tenantQuery = db.Tenants.AsNoTracking().Where(t => tenantIds.Contains(t.Id)).Select(t => new { t.Id, t.Status, t.PlanId, Restoring = t.RestoreJobId != null });
        var tenants = async ? await tenantQuery.ToListAsync(cancellationToken) : tenantQuery.ToList();
        var setQuery = db.TenantQuotaSets.AsNoTracking().Where(s => tenantIds.Contains(s.TenantId));
        var sets = (async ? await setQuery.ToListAsync(cancellationToken) : setQuery.ToList()).ToDictionary(s => s.TenantId);

        // Which suspensions, for the words of the denial: only suspended tenants have any active.
        var suspendedIds = tenants.Where(t => t.Status == TenantStatus.Suspended).Select(t => t.Id).ToList();
        var suspensionQuery = db.Suspensions.AsNoTracking()
            .Where(s => suspendedIds.Contains(s.TenantId) && s.LiftedAt == null)
            .Select(s => new { s.TenantId, s.Category });
        var suspensions = (suspendedIds.Count == 0 ? [] : async ? await suspensionQuery.ToListAsync(cancellationToken) : suspensionQuery.ToList())
            .ToLookup(s => s.TenantId, s => s.Category);

        var limits = tenantIds.ToDictionary(id => id, _ => NotFound());
        foreach (var tenant in tenants)
        {
            var suspendedBecause = tenant.Status == TenantStatus.Suspended ? suspensions[tenant.Id].DenialMessage() : null;
            limits[tenant.Id] = Build(tenant.Status, tenant.Restoring, tenant.PlanId, sets.GetValueOrDefault(tenant.Id), defaults, suspendedBecause);
        }

        return limits;
    }

    /// <summary>
    /// Re-reads every plan's defaults and the status, plan and quota version of each cached
    /// tenant, and returns new limits for those whose state changed since theirs were read (for
    /// all of them when plan defaults changed). Two cheap queries per 1,000 tenants when nothing changed.
    /// </summary>
    public async Task<Dictionary<Guid, TenantQuotaLimits>> ReadChangedAsync(
        TenancyDbContext db, IReadOnlyCollection<TenantQuotaEntry> cached, CancellationToken cancellationToken)
    {
        var previous = plans;
        var current = await ReadPlansAsync(db, async: true, cancellationToken);
        var plansChanged = previous is null || !previous.SameAs(current);

        var changed = new Dictionary<Guid, TenantQuotaLimits>();
        foreach (var chunk in cached.Chunk(Chunk))
        {
            var ids = chunk.Select(e => e.TenantId).ToList();
            var states = await (
                    from t in db.Tenants.AsNoTracking()
                    where ids.Contains(t.Id)
                    join s in db.TenantQuotaSets.AsNoTracking() on t.Id equals s.TenantId into sets
                    from s in sets.DefaultIfEmpty()
                    select new { t.Id, t.Status, t.PlanId, Restoring = t.RestoreJobId != null, Version = (int?)s.Version })
                .ToDictionaryAsync(x => x.Id, cancellationToken);

            var stale = chunk
                .Where(e => plansChanged || !e.Limits.SameState(states.TryGetValue(e.TenantId, out var state), state?.Status ?? default, state?.PlanId, state?.Version ?? 0, state?.Restoring ?? false))
                .Select(e => e.TenantId)
                .ToList();
            if (stale.Count > 0)
            {
                foreach (var (id, limits) in await ReadAsync(db, stale, async: true, cancellationToken))
                {
                    changed[id] = limits;
                }
            }
        }

        return changed;
    }

    private async ValueTask<PlanDefaults> ReadPlansAsync(TenancyDbContext db, bool async, CancellationToken cancellationToken)
    {
        var query = db.PlanQuotas.AsNoTracking();
        var read = new PlanDefaults(async ? await query.ToListAsync(cancellationToken) : query.ToList());
        plans = read;
        return read;
    }

    private static TenantQuotaLimits NotFound() =>
        new(false, default, null, 0, QuotaDenial.TenantNotFound, new long[QuotaMetrics.Count]);

    private static TenantQuotaLimits Build(TenantStatus status, bool restoring, string planId, TenantQuotaSet? set, PlanDefaults plans, string? suspendedBecause)
    {
        var values = new long[QuotaMetrics.Count];
        var defaults = plans.For(planId);
        foreach (var info in QuotaMetrics.All)
        {
            var i = (int)info.Metric;
            var (limit, _) = QuotaResolution.Effective(defaults[i], QuotaOverride.FromStored(set?.Overrides.Find(o => o.Metric == info.Metric)));
            values[i] = limit ?? QuotaEnforcer.Unlimited;
        }

        return new TenantQuotaLimits(true, status, planId, set?.Version ?? 0, DenialOf(status, restoring), values, suspendedBecause, restoring);
    }

    /// <summary>The enforcer's words for what <see cref="TenantAccess.DenialFor"/> says of the status and a restore in progress.</summary>
    private static QuotaDenial DenialOf(TenantStatus status, bool restoring) => TenantAccess.DenialFor(status, restoring) switch
    {
        AccessDenial.None => QuotaDenial.None,
        AccessDenial.Suspended => QuotaDenial.TenantSuspended,
        AccessDenial.Restoring => QuotaDenial.TenantRestoring,
        AccessDenial.NotFound => QuotaDenial.TenantNotFound,
        var other => throw new UnreachableException($"Unknown access denial {other}."),
    };
}
