using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Suspensions;

/// <summary>A tenant's suspensions: the active ones and the history, newest first.</summary>
public sealed record TenantSuspensions(Guid TenantId, TenantStatus Status, IReadOnlyList<Suspension> Active, IReadOnlyList<Suspension> History)
{
    public IReadOnlyList<Suspension> ActiveManual => [.. Active.Where(s => !s.IsBilling)];

    public Suspension? ActiveBilling => Active.FirstOrDefault(s => s.IsBilling);
}

/// <summary>A suspend or resume request that cannot be carried out as asked; nothing was changed.</summary>
public sealed class SuspensionValidationException(string message) : Exception(message);

/// <summary>Someone else changed the tenant's suspensions first; nothing was changed.</summary>
public sealed class SuspensionConflictException(string message) : Exception(message);

/// <summary>
/// Manual suspensions by staff (Support and Admin): each with a category, a reason and an
/// actor, confirmed, audited in the same transaction, and taken under the tenant's row lock so
/// it cannot interleave with the billing processor or the grace sweep. Paying does not lift a
/// manual suspension; only staff do. Billing suspensions are lifted only by billing. The status
/// that follows is <see cref="TenantAccess.StatusFor"/> of the suspensions and billing's standing;
/// once committed, the <see cref="ITenantAccessObserver"/>s (the quota enforcer) are told.
/// </summary>
public sealed class SuspensionService(
    IDbContextFactory<TenancyDbContext> contextFactory,
    AuditLog audit,
    TimeProvider clock,
    IBillingStandingReader billing,
    IEnumerable<ITenantAccessObserver> observers)
{
    public const int HistoryLimit = 200;

    public async Task<TenantSuspensions?> GetAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var status = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => (TenantStatus?)t.Status).FirstOrDefaultAsync(cancellationToken);
        if (status is null)
        {
            return null;
        }

        var history = await db.Suspensions.AsNoTracking()
            .Where(s => s.TenantId == tenantId)
            .OrderByDescending(s => s.StartedAt).ThenByDescending(s => s.Id)
            .Take(HistoryLimit)
            .ToListAsync(cancellationToken);
        var active = history.Count < HistoryLimit
            ? history.Where(s => s.IsActive).ToList()
            : await db.Suspensions.AsNoTracking().Where(s => s.TenantId == tenantId && s.LiftedAt == null).ToListAsync(cancellationToken);
        return new TenantSuspensions(tenantId, status.Value, active, history);
    }

    /// <summary>Suspends the tenant by hand.</summary>
    /// <exception cref="StaffForbiddenException">The actor may not suspend.</exception>
    /// <exception cref="SuspensionValidationException">Not confirmed, no reason, a billing category, or a deleted tenant.</exception>
    /// <exception cref="SuspensionConflictException">Already suspended in this category.</exception>
    /// <exception cref="KeyNotFoundException">No such tenant.</exception>
    public async Task<Suspension> SuspendAsync(
        StaffActor actor, Guid tenantId, SuspensionCategory category, string reason, bool confirmed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.Suspend);
        if (!SuspensionCategories.Manual.Contains(category))
        {
            throw new SuspensionValidationException("Choose abuse, compliance, customer request or other: billing suspensions follow the tenant's payments.");
        }

        reason = Validate(reason, confirmed, "suspending");

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await TenantAccessLock.TakeAsync(db, tenantId, cancellationToken);
        var account = await TenantAccount.LoadAsync(db, tenantId, cancellationToken) ?? throw NotFound(tenantId);
        if (account.Tenant.Status == TenantStatus.Deleted)
        {
            throw new SuspensionValidationException("The tenant is deleted.");
        }

        if (account.ActiveSuspensions.FirstOrDefault(s => s.Category == category) is { } existing)
        {
            throw new SuspensionConflictException(
                $"Already suspended for {category.ToLabel().ToLowerInvariant()} by {existing.StartedBy} at {existing.StartedAt:yyyy-MM-dd HH:mm} UTC.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var before = new { account.Tenant.Status };
        var suspension = account.Suspend(db, category, reason, actor.Name, now);
        account.UpdateStatus(await billing.ReadAsync(db, tenantId, cancellationToken), now);
        audit.Record(db, actor, SuspensionAuditActions.Suspended, tenantId, before,
            new { account.Tenant.Status, Category = category.ToString(), SuspensionId = suspension.Id }, reason);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await observers.NotifyAsync(tenantId, cancellationToken);
        return suspension;
    }

    /// <summary>Lifts the given manual suspensions. The tenant is active again when no suspension remains.</summary>
    /// <exception cref="StaffForbiddenException">The actor may not resume.</exception>
    /// <exception cref="SuspensionValidationException">Not confirmed, no reason, nothing chosen, or a billing suspension chosen.</exception>
    /// <exception cref="SuspensionConflictException">A chosen suspension was lifted meanwhile.</exception>
    /// <exception cref="KeyNotFoundException">No such tenant.</exception>
    public async Task<TenantStatus> ResumeAsync(
        StaffActor actor, Guid tenantId, IReadOnlyCollection<Guid> suspensionIds, string reason, bool confirmed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(suspensionIds);
        actor.Demand(StaffCapability.Suspend);
        if (suspensionIds.Count == 0)
        {
            throw new SuspensionValidationException("Choose the suspensions to lift.");
        }

        reason = Validate(reason, confirmed, "resuming");

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await TenantAccessLock.TakeAsync(db, tenantId, cancellationToken);
        var account = await TenantAccount.LoadAsync(db, tenantId, cancellationToken) ?? throw NotFound(tenantId);
        var chosen = new List<Suspension>();
        foreach (var id in suspensionIds.Distinct())
        {
            var suspension = account.ActiveSuspensions.FirstOrDefault(s => s.Id == id);
            if (suspension is null)
            {
                var lifted = await db.Suspensions.AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId && s.Id == id, cancellationToken);
                throw lifted?.LiftedAt is { } at
                    ? new SuspensionConflictException($"That suspension was already lifted by {lifted.LiftedBy} at {at:yyyy-MM-dd HH:mm} UTC.")
                    : new SuspensionValidationException("That suspension does not belong to this tenant.");
            }

            if (suspension.IsBilling)
            {
                throw new SuspensionValidationException("A billing suspension is lifted when Stripe reports a payment, not by hand.");
            }

            chosen.Add(suspension);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var before = new { account.Tenant.Status, Suspensions = chosen.Select(s => new { s.Id, Category = s.Category.ToString() }).ToList() };
        foreach (var suspension in chosen)
        {
            account.Lift(suspension, actor.Name, reason, now);
        }

        account.UpdateStatus(await billing.ReadAsync(db, tenantId, cancellationToken), now);
        audit.Record(db, actor, SuspensionAuditActions.Resumed, tenantId, before, new { account.Tenant.Status }, reason);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await observers.NotifyAsync(tenantId, cancellationToken);
        return account.Tenant.Status;
    }

    private static string Validate(string reason, bool confirmed, string verb)
    {
        if (AuditLog.ValidateReason(reason) is { } error)
        {
            throw new SuspensionValidationException(error);
        }

        if (!confirmed)
        {
            throw new SuspensionValidationException($"Confirm before {verb} the tenant.");
        }

        return reason.Trim();
    }

    private static KeyNotFoundException NotFound(Guid tenantId) => new($"No tenant {tenantId}.");
}
