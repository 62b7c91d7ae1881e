using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Suspensions;

namespace Tenancy.Core.Features.Billing;

/// <summary>
/// Suspends tenants whose grace period has run out unpaid, and re-queues parked events whose
/// customer now belongs to a tenant. Idempotent and safe with several instances: each tenant
/// is suspended in its own transaction under its row lock, after re-reading its state, and a
/// unique index allows one active billing suspension per tenant. A tenant whose suspension fails
/// is logged and left to the next sweep; the others go ahead.
/// </summary>
public sealed partial class GraceSweeper(
    IDbContextFactory<TenancyDbContext> contextFactory,
    AuditLog audit,
    BillingSignal signal,
    TimeProvider clock,
    ILogger<GraceSweeper> logger)
{
    private const int Chunk = 500;

    /// <summary>One sweep; returns how many tenants it suspended.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var suspended = 0;
        var skipped = new HashSet<Guid>();
        while (true)
        {
            List<Guid> due;
            await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
            {
                due = await db.TenantBillings.AsNoTracking()
                    .Where(b => b.GraceDeadline != null && !b.SuspendedForBilling && b.GraceDeadline <= now && !skipped.Contains(b.TenantId))
                    .OrderBy(b => b.GraceDeadline)
                    .Select(b => b.TenantId)
                    .Take(Chunk)
                    .ToListAsync(cancellationToken);
            }

            if (due.Count == 0)
            {
                return suspended;
            }

            foreach (var tenantId in due)
            {
                try
                {
                    if (await SuspendIfDueAsync(tenantId, now, cancellationToken))
                    {
                        suspended++;
                        continue;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // One tenant's failure does not hold up the others; the next sweep tries it again.
                    LogSuspendFailed(ex, tenantId);
                }

                skipped.Add(tenantId);
            }
        }
    }

    /// <summary>Parked events whose customer now maps to a tenant go back to pending; returns how many.</summary>
    public async Task<int> RequeueLinkedAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var requeued = await db.StripeEvents
            .Where(e => e.CustomerId != null && db.Tenants.Any(t => t.StripeCustomerId == e.CustomerId))
            .RequeueParkedAsync(now, cancellationToken);
        if (requeued > 0)
        {
            signal.Wake();
        }

        return requeued;
    }

    private async Task<bool> SuspendIfDueAsync(Guid tenantId, DateTime now, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await TenantAccessLock.TakeAsync(db, tenantId, cancellationToken);
        var account = await BillingAccount.LoadAsync(db, tenantId, cancellationToken);

        // Re-read under the lock: another instance may have suspended it, or a payment arrived.
        if (account?.Billing is not { GraceDeadline: { } deadline, SuspendedForBilling: false } billing
            || deadline > now || account.ActiveBillingSuspension is not null)
        {
            return false;
        }

        var before = account.State();
        var reason = StripeEventProcessor.GraceExpiredReason(billing);
        account.SuspendForBilling(db, reason, BillingActors.GraceSweep.Name, now);
        account.UpdateStatus(now);
        audit.Record(db, BillingActors.GraceSweep, SuspensionAuditActions.Suspended, tenantId, before, account.State(), reason);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            // The unique index on active billing suspensions: someone else got there first.
            LogSuspendRaced(ex, tenantId);
            return false;
        }

        LogSuspended(tenantId, deadline);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} suspended: grace period ended {Deadline:u} unpaid")]
    private partial void LogSuspended(Guid tenantId, DateTime deadline);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not suspend tenant {TenantId} for billing; the next sweep tries again")]
    private partial void LogSuspendFailed(Exception exception, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} was suspended by another sweep meanwhile")]
    private partial void LogSuspendRaced(Exception exception, Guid tenantId);
}
