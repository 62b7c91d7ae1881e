using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// The staff side of quotas: read a tenant's quotas with usage, change overrides and plans.
/// Every change checks the actor's capability, validates, refuses to overwrite a newer version
/// (optimistic concurrency on <see cref="TenantQuotaSet.Version"/>), asks for confirmation
/// before putting a limit below usage, and writes one audit entry in the same transaction.
/// </summary>
public sealed partial class QuotaService(
    IDbContextFactory<TenancyDbContext> contextFactory,
    AuditLog audit,
    TimeProvider clock,
    QuotaEnforcer enforcer,
    ILogger<QuotaService> logger,
    QuotaPressureUpdater? pressure = null)
{
    public const string QuotaChangedAction = "quota.changed";
    public const string PlanChangedAction = "plan.changed";

    /// <summary>The tenant's quotas with current usage, or null when there is no such tenant.</summary>
    public async Task<TenantQuotas?> GetAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await LoadAsync(db, tenantId, planId: null, cancellationToken);
    }

    /// <summary>What saving <paramref name="changes"/> would do to the effective limits (only the metrics that change), without saving.</summary>
    public async Task<IReadOnlyList<QuotaLimitChange>> PreviewUpdateAsync(
        Guid tenantId, IReadOnlyDictionary<QuotaMetric, QuotaOverride> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ThrowIfInvalid([.. changes
            .Select(c => (c.Key, Error: QuotaValidation.Validate(c.Key, c.Value)))
            .Where(c => c.Error is not null)
            .Select(c => new QuotaValidationError(QuotaMetrics.IsDefined(c.Key) ? c.Key : null, c.Error!))]);
        var current = await GetAsync(tenantId, cancellationToken) ?? throw NotFound(tenantId);
        return Apply(current, changes.ToDictionary(c => c.Key, c => c.Value.Normalized));
    }

    /// <summary>
    /// Sets overrides (a limit, unlimited, or back to the plan's default) for the metrics in
    /// <paramref name="changes"/>, if the tenant's quotas are still at <paramref name="expectedVersion"/>.
    /// </summary>
    /// <exception cref="StaffForbiddenException">The actor may not edit quotas.</exception>
    /// <exception cref="QuotaValidationException">A value is out of bounds or the reason is missing.</exception>
    /// <exception cref="QuotaConflictException">Someone else saved first; carries the current values.</exception>
    /// <exception cref="QuotaBelowUsageException">A new limit is below usage and <paramref name="confirmBelowUsage"/> is false.</exception>
    /// <exception cref="KeyNotFoundException">No such tenant.</exception>
    public async Task<QuotaUpdateResult> UpdateAsync(
        StaffActor actor,
        Guid tenantId,
        int expectedVersion,
        IReadOnlyDictionary<QuotaMetric, QuotaOverride> changes,
        string reason,
        bool confirmBelowUsage = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(changes);
        actor.Demand(StaffCapability.EditQuotas);
        ThrowIfInvalid(QuotaValidation.Validate(changes, reason));
        changes = changes.ToDictionary(c => c.Key, c => c.Value.Normalized);

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var current = await LoadAsync(db, tenantId, planId: null, cancellationToken) ?? throw NotFound(tenantId);
        if (current.Version != expectedVersion)
        {
            throw new QuotaConflictException(current, expectedVersion);
        }

        // Only metrics whose override differs: their effective limit or its source changes.
        var limitChanges = Apply(current, changes);
        var changed = changes.Where(c => current[c.Key].Override != c.Value).OrderBy(c => c.Key).ToList();
        if (changed.Count == 0)
        {
            return new QuotaUpdateResult(current, [], []);
        }

        var belowUsage = limitChanges.Where(c => c.BelowUsage).ToList();
        if (belowUsage.Count > 0 && !confirmBelowUsage)
        {
            throw new QuotaBelowUsageException(belowUsage);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var set = await TrackQuotaSetAsync(db, tenantId, expectedVersion, actor, now, cancellationToken);
        foreach (var (metric, change) in changed)
        {
            var row = set.Overrides.Find(o => o.Metric == metric);
            if (change.Kind == QuotaOverrideKind.Inherit)
            {
                if (row is not null)
                {
                    set.Overrides.Remove(row);
                }

                continue;
            }

            if (row is null)
            {
                row = new TenantQuotaOverride { TenantId = tenantId, Metric = metric, UpdatedBy = actor.Name };
                set.Overrides.Add(row);
            }

            row.Value = change.Kind == QuotaOverrideKind.Unlimited ? null : change.Limit;
            row.UpdatedAt = now;
            row.UpdatedBy = actor.Name;
        }

        var changedMetrics = changed.Select(c => c.Key).ToHashSet();
        audit.Record(
            db, actor, QuotaChangedAction, tenantId,
            before: AuditValues(current, changedMetrics, m => (current[m].Override, current[m].EffectiveLimit, current[m].Source)),
            after: AuditValues(current, changedMetrics, m =>
            {
                var (limit, source) = QuotaResolution.Effective(current[m].PlanLimit, changes[m]);
                return (changes[m], limit, source);
            }),
            reason: reason);

        await SaveAsync(db, tenantId, expectedVersion, cancellationToken);
        await ReloadEnforcerAsync(tenantId, cancellationToken);

        var updated = await GetAsync(tenantId, cancellationToken) ?? throw NotFound(tenantId);
        return new QuotaUpdateResult(updated, limitChanges, belowUsage);
    }

    /// <summary>Which effective limits change if the tenant moves to <paramref name="newPlanId"/> (overrides stay).</summary>
    public async Task<PlanChangePreview> PreviewPlanChangeAsync(Guid tenantId, string newPlanId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var (current, changes) = await PlanChangeAsync(db, tenantId, newPlanId, cancellationToken);
        return new PlanChangePreview(tenantId, current.PlanId, newPlanId, current.Version, changes);
    }

    /// <summary>
    /// Moves the tenant to another plan, if its quotas are still at <paramref name="expectedVersion"/>.
    /// Overrides stay; the limits that come from the plan change (see <see cref="PreviewPlanChangeAsync"/>).
    /// </summary>
    /// <exception cref="StaffForbiddenException">The actor may not change plans.</exception>
    /// <exception cref="QuotaValidationException">Unknown plan, the same plan, or the reason is missing.</exception>
    /// <exception cref="QuotaConflictException">Someone else changed the tenant's quotas or plan first.</exception>
    /// <exception cref="QuotaBelowUsageException">A new limit is below usage and <paramref name="confirmBelowUsage"/> is false.</exception>
    public async Task<QuotaUpdateResult> ChangePlanAsync(
        StaffActor actor,
        Guid tenantId,
        string newPlanId,
        string reason,
        int expectedVersion,
        bool confirmBelowUsage = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.EditQuotas);
        if (AuditLog.ValidateReason(reason) is { } reasonError)
        {
            throw new QuotaValidationException([new(null, reasonError)]);
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var (current, changes) = await PlanChangeAsync(db, tenantId, newPlanId, cancellationToken);
        if (current.Version != expectedVersion)
        {
            throw new QuotaConflictException(current, expectedVersion);
        }

        var belowUsage = changes.Where(c => c.BelowUsage).ToList();
        if (belowUsage.Count > 0 && !confirmBelowUsage)
        {
            throw new QuotaBelowUsageException(belowUsage);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var tenant = await db.Tenants.SingleAsync(t => t.Id == tenantId, cancellationToken);
        tenant.PlanId = newPlanId;
        tenant.UpdatedAt = now;
        await TrackQuotaSetAsync(db, tenantId, expectedVersion, actor, now, cancellationToken);

        var metrics = changes.Select(c => c.Metric).ToHashSet();
        audit.Record(
            db, actor, PlanChangedAction, tenantId,
            before: new PlanAudit(current.PlanId, LimitsAudit(changes, c => (c.Before, c.BeforeSource))),
            after: new PlanAudit(newPlanId, LimitsAudit(changes, c => (c.After, c.AfterSource))),
            reason: reason);

        await SaveAsync(db, tenantId, expectedVersion, cancellationToken);
        await ReloadEnforcerAsync(tenantId, cancellationToken);

        var updated = await GetAsync(tenantId, cancellationToken) ?? throw NotFound(tenantId);
        return new QuotaUpdateResult(updated, changes, belowUsage);
    }

    private async Task<(TenantQuotas Current, IReadOnlyList<QuotaLimitChange> Changes)> PlanChangeAsync(
        TenancyDbContext db, Guid tenantId, string newPlanId, CancellationToken cancellationToken)
    {
        var current = await LoadAsync(db, tenantId, planId: null, cancellationToken) ?? throw NotFound(tenantId);
        if (!await db.Plans.AnyAsync(p => p.Id == newPlanId, cancellationToken))
        {
            throw new QuotaValidationException([new(null, $"There is no plan '{newPlanId}'.")]);
        }

        if (newPlanId == current.PlanId)
        {
            throw new QuotaValidationException([new(null, $"The tenant is already on the {current.PlanName} plan.")]);
        }

        var planLimits = await PlanLimitsAsync(db, newPlanId, cancellationToken);
        var changes = new List<QuotaLimitChange>();
        foreach (var line in current.Lines)
        {
            var (after, afterSource) = QuotaResolution.Effective(planLimits[(int)line.Metric], line.Override);
            if (after != line.EffectiveLimit)
            {
                changes.Add(new QuotaLimitChange(line.Metric, line.EffectiveLimit, line.Source, after, afterSource, line.Usage));
            }
        }

        return (current, changes);
    }

    /// <summary>
    /// Puts the change in force on this instance now. The change is committed by then, so a
    /// failure here is not the caller's: the refresher picks it up within
    /// <see cref="QuotaOptions.CacheRefreshInterval"/>, as on every other instance.
    /// </summary>
    /// <summary>
    /// After a change of limits: this instance's enforcer reads them now, and the tenant's quota
    /// pressure is recomputed (else the next rollup that touches it would). Failures are logged:
    /// the change is saved, and both catch up on their own.
    /// </summary>
    private async Task ReloadEnforcerAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        try
        {
            await enforcer.ReloadAsync(tenantId, cancellationToken);
            if (pressure is not null)
            {
                await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
                await pressure.UpdateAsync(db, [tenantId], clock.GetUtcNow().UtcDateTime, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReloadFailed(ex, tenantId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quota change for tenant {TenantId} saved; reloading this instance's enforcer cache failed (the next refresh applies it)")]
    private partial void LogReloadFailed(Exception exception, Guid tenantId);

    /// <summary>The tenant's quota set, tracked, at <paramref name="expectedVersion"/> + 1 (created at need).</summary>
    private static async Task<TenantQuotaSet> TrackQuotaSetAsync(
        TenancyDbContext db, Guid tenantId, int expectedVersion, StaffActor actor, DateTime now, CancellationToken cancellationToken)
    {
        var set = await db.TenantQuotaSets.SingleOrDefaultAsync(s => s.TenantId == tenantId, cancellationToken);
        if (set is null)
        {
            set = new TenantQuotaSet { TenantId = tenantId, Version = 0, UpdatedBy = actor.Name };
            db.TenantQuotaSets.Add(set);
        }

        // The UPDATE matches only while the row still holds the version read here (a concurrency
        // token); a concurrent first edit collides on the primary key instead.
        db.Entry(set).Property(s => s.Version).OriginalValue = expectedVersion;
        set.Version = expectedVersion + 1;
        set.UpdatedAt = now;
        set.UpdatedBy = actor.Name;
        return set;
    }

    /// <summary>Saves in one transaction; a lost race becomes a <see cref="QuotaConflictException"/> with the winner's values.</summary>
    private async Task SaveAsync(TenancyDbContext db, Guid tenantId, int expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            var current = await GetAsync(tenantId, cancellationToken);
            if (current is not null && current.Version != expectedVersion)
            {
                throw new QuotaConflictException(current, expectedVersion);
            }

            throw new InvalidOperationException("Saving the tenant's quotas failed.", ex);
        }
    }

    private async Task<TenantQuotas?> LoadAsync(TenancyDbContext db, Guid tenantId, string? planId, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.AsNoTracking()
            .Where(t => t.Id == tenantId)
            .Select(t => new { t.PlanId, PlanName = t.Plan!.Name, t.Status })
            .FirstOrDefaultAsync(cancellationToken);
        if (tenant is null)
        {
            return null;
        }

        var set = await db.TenantQuotaSets.AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId, cancellationToken);
        var planLimits = await PlanLimitsAsync(db, planId ?? tenant.PlanId, cancellationToken);
        var period = QuotaMetrics.PeriodOf(clock.GetUtcNow().UtcDateTime);
        var counters = await UsageCounters.ReadAsync(db, tenantId, period, cancellationToken);

        var lines = new List<QuotaLine>(QuotaMetrics.Count);
        foreach (var info in QuotaMetrics.All)
        {
            var i = (int)info.Metric;
            var @override = QuotaOverride.FromStored(set?.Overrides.Find(o => o.Metric == info.Metric));
            var (limit, source) = QuotaResolution.Effective(planLimits[i], @override);
            long? usage = info.Kind switch
            {
                QuotaKind.TenantData => await TenantDataUsage.ReadAsync(db, tenantId, info.Metric, cancellationToken),
                QuotaKind.MonthlyCounter => counters[i],
                _ => null,
            };
            lines.Add(new QuotaLine(info.Metric, planLimits[i], @override, limit, source, usage, QuotaResolution.PercentUsed(usage, limit)));
        }

        return new TenantQuotas(tenantId, tenant.PlanId, tenant.PlanName, tenant.Status, set?.Version ?? 0, period, lines);
    }

    /// <summary>The plan's default per metric (null = unlimited, also for a metric the plan has no row for).</summary>
    private static async Task<long?[]> PlanLimitsAsync(TenancyDbContext db, string planId, CancellationToken cancellationToken)
    {
        var limits = new long?[QuotaMetrics.Count];
        var rows = await db.PlanQuotas.AsNoTracking().Where(q => q.PlanId == planId).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            limits[(int)row.Metric] = row.DefaultLimit;
        }

        return limits;
    }

    private static List<QuotaLimitChange> Apply(TenantQuotas current, IReadOnlyDictionary<QuotaMetric, QuotaOverride> changes)
    {
        var result = new List<QuotaLimitChange>();
        foreach (var (metric, change) in changes.OrderBy(c => c.Key))
        {
            if (!QuotaMetrics.IsDefined(metric))
            {
                continue;
            }

            var line = current[metric];
            var (after, afterSource) = QuotaResolution.Effective(line.PlanLimit, change);
            if (after != line.EffectiveLimit || afterSource != line.Source)
            {
                result.Add(new QuotaLimitChange(metric, line.EffectiveLimit, line.Source, after, afterSource, line.Usage));
            }
        }

        return result;
    }

    private static SortedDictionary<string, QuotaAudit> AuditValues(
        TenantQuotas current, IReadOnlySet<QuotaMetric> metrics, Func<QuotaMetric, (QuotaOverride Override, long? Limit, QuotaSource Source)> value)
    {
        var result = new SortedDictionary<string, QuotaAudit>(StringComparer.Ordinal);
        foreach (var line in current.Lines.Where(l => metrics.Contains(l.Metric)))
        {
            var (@override, limit, source) = value(line.Metric);
            result[line.Metric.ToString()] = new QuotaAudit(
                @override.Kind switch
                {
                    QuotaOverrideKind.Limit => @override.Limit,
                    QuotaOverrideKind.Unlimited => "unlimited",
                    _ => "inherit",
                },
                limit is { } l ? l : "unlimited",
                source == QuotaSource.Plan ? "plan" : "override");
        }

        return result;
    }

    private static SortedDictionary<string, LimitAudit> LimitsAudit(IEnumerable<QuotaLimitChange> changes, Func<QuotaLimitChange, (long? Limit, QuotaSource Source)> value)
    {
        var result = new SortedDictionary<string, LimitAudit>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            var (limit, source) = value(change);
            result[change.Metric.ToString()] = new LimitAudit(limit is { } l ? l : "unlimited", source == QuotaSource.Plan ? "plan" : "override");
        }

        return result;
    }

    private static void ThrowIfInvalid(IReadOnlyList<QuotaValidationError> errors)
    {
        if (errors.Count > 0)
        {
            throw new QuotaValidationException(errors);
        }
    }

    private static KeyNotFoundException NotFound(Guid tenantId) => new($"There is no tenant {tenantId}.");

    /// <summary>One metric in a <c>quota.changed</c> entry: the override ("inherit", "unlimited" or a number) and the effective limit.</summary>
    private sealed record QuotaAudit(object Override, object Limit, string Source);

    private sealed record LimitAudit(object Limit, string Source);

    private sealed record PlanAudit(string Plan, SortedDictionary<string, LimitAudit> Limits);
}
