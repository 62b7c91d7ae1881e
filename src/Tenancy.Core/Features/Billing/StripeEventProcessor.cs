using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Jobs;

namespace Tenancy.Core.Features.Billing;

/// <summary>
/// Drains the Stripe event inbox. One batch is one transaction: claim up to
/// <see cref="BillingOptions.BatchSize"/> due events (<see cref="QueueClaims.ClaimAsync"/>, so two
/// workers never take the same event), lock their tenants' rows in id order (so workers cannot
/// deadlock), apply every event in memory and save them in one round trip, commit. A worker that dies mid-batch commits nothing: its events are
/// pending again and the next worker applies each once. When an event throws, the batch is rolled
/// back to its start and applied again one event per savepoint, so only the failing event is
/// rolled back; it is retried later with backoff and marked failed after
/// <see cref="BillingOptions.MaxAttempts"/>.
/// <para>
/// Order: Stripe does not deliver in order, so each tenant's billing row keeps the creation time
/// of the newest event applied to its subscription; an older event is marked stale and changes
/// nothing. Events of one customer in a batch are applied oldest first.
/// </para>
/// </summary>
public sealed partial class StripeEventProcessor(
    IDbContextFactory<TenancyDbContext> contextFactory,
    AuditLog audit,
    IOptions<BillingOptions> options,
    TimeProvider clock,
    ILogger<StripeEventProcessor> logger)
{
    private const string Savepoint = "stripe_event";
    private const string BatchSavepoint = "stripe_batch";

    /// <summary>Processes every due event, batch after batch; returns how many were handled.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        int handled;
        while ((handled = await ProcessBatchAsync(cancellationToken)) > 0)
        {
            total += handled;
        }

        return total;
    }

    /// <summary>Claims and processes one batch of due events; returns how many were handled (0: nothing due).</summary>
    public async Task<int> ProcessBatchAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Due events, oldest first: the predicate and order of the filtered index ix_stripe_events_due.
        var claimed = await db.ClaimAsync<StripeEvent>(
            $"state = 'Pending' AND next_attempt_at <= {now}", "next_attempt_at, id", settings.BatchSize, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var accounts = await LockAccountsAsync(db, [.. claimed.Select(e => e.CustomerId).OfType<string>().Distinct()], cancellationToken);

        // Per customer, oldest first; customers in the order their tenants were locked.
        var ordered = claimed.OrderBy(e => e.CustomerId, StringComparer.Ordinal).ThenBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        if (!await TryApplyTogetherAsync(db, transaction, ordered, accounts, now, cancellationToken))
        {
            // Something in the batch failed: start again from the claim, one event per savepoint,
            // so only the event that fails is retried.
            db.ChangeTracker.Clear();
            accounts.Clear();
            await ApplyOneByOneAsync(db, transaction, ordered, accounts, now, settings, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed.Count;
    }

    /// <summary>
    /// The usual case: every event applied in memory and saved in one round trip. False (and
    /// nothing of the batch written) when any event throws.
    /// </summary>
    private async Task<bool> TryApplyTogetherAsync(
        TenancyDbContext db, IDbContextTransaction transaction, List<StripeEvent> ordered, Dictionary<string, List<BillingAccount>> accounts,
        DateTime now, CancellationToken cancellationToken)
    {
        await transaction.CreateSavepointAsync(BatchSavepoint, cancellationToken);
        try
        {
            foreach (var stripeEvent in ordered)
            {
                await ApplyAsync(db, stripeEvent, accounts, now, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await transaction.RollbackToSavepointAsync(BatchSavepoint, cancellationToken);
            return false;
        }

        return true;
    }

    private async Task ApplyOneByOneAsync(
        TenancyDbContext db, IDbContextTransaction transaction, List<StripeEvent> ordered, Dictionary<string, List<BillingAccount>> accounts,
        DateTime now, BillingOptions settings, CancellationToken cancellationToken)
    {
        foreach (var claimedEvent in ordered)
        {
            var eventId = claimedEvent.Id;
            var stripeEvent = db.Entry(claimedEvent).State == EntityState.Detached
                ? await db.StripeEvents.FirstAsync(e => e.Id == eventId, cancellationToken) // tracking was cleared by a failure
                : claimedEvent;
            await transaction.CreateSavepointAsync(Savepoint, cancellationToken);
            try
            {
                await ApplyAsync(db, stripeEvent, accounts, now, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                await transaction.RollbackToSavepointAsync(Savepoint, cancellationToken);
                db.ChangeTracker.Clear();
                accounts.Clear();
                await RecordFailureAsync(db, eventId, ex, now, settings, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Locks (in id order, so workers cannot deadlock) and loads the tenants of
    /// <paramref name="customers"/>, with their billing rows and active suspensions. Every
    /// customer gets an entry; an empty list means no tenant has it.
    /// </summary>
    private static async Task<Dictionary<string, List<BillingAccount>>> LockAccountsAsync(
        TenancyDbContext db, IReadOnlyCollection<string> customers, CancellationToken cancellationToken)
    {
        var accounts = customers.ToDictionary(c => c, _ => new List<BillingAccount>(), StringComparer.Ordinal);
        if (customers.Count == 0)
        {
            return accounts;
        }

        var tenants = db.Provider == DatabaseProvider.Postgres
            ? await db.Tenants.FromSql($"SELECT * FROM tenants WHERE stripe_customer_id = ANY({customers.ToArray()}) ORDER BY id FOR UPDATE").ToListAsync(cancellationToken)
            : await db.Tenants.Where(t => customers.Contains(t.StripeCustomerId!)).ToListAsync(cancellationToken);
        var ids = tenants.Select(t => t.Id).ToList();
        var billings = await db.TenantBillings.Where(b => ids.Contains(b.TenantId)).ToDictionaryAsync(b => b.TenantId, cancellationToken);
        var active = (await db.Suspensions.Where(s => ids.Contains(s.TenantId) && s.LiftedAt == null).ToListAsync(cancellationToken))
            .ToLookup(s => s.TenantId);
        foreach (var tenant in tenants)
        {
            accounts[tenant.StripeCustomerId!].Add(new BillingAccount(new TenantAccount(tenant, [.. active[tenant.Id]]), billings.GetValueOrDefault(tenant.Id)));
        }

        return accounts;
    }

    private async Task ApplyAsync(
        TenancyDbContext db, StripeEvent stripeEvent, Dictionary<string, List<BillingAccount>> accounts, DateTime now, CancellationToken cancellationToken)
    {
        var facts = StripeEventFacts.Parse(stripeEvent.Payload);
        var (state, outcome) = facts.Kind == BillingEventKind.Other
            ? (StripeEventState.Ignored, "Not an event billing acts on.")
            : await ApplyBillingEventAsync(db, stripeEvent, facts, accounts, now, cancellationToken);
        stripeEvent.State = state;
        stripeEvent.Outcome = Truncate(outcome, 500);
        stripeEvent.ProcessedAt = now;
        if (state != StripeEventState.Parked)
        {
            stripeEvent.LastError = null;
        }
    }

    private async Task<(StripeEventState, string)> ApplyBillingEventAsync(
        TenancyDbContext db, StripeEvent stripeEvent, StripeEventFacts facts, Dictionary<string, List<BillingAccount>> accounts, DateTime now, CancellationToken cancellationToken)
    {
        var customer = facts.CustomerId ?? throw new StripeEventFormatException($"The {facts.Type} event names no customer.");
        if (!accounts.TryGetValue(customer, out var matches))
        {
            // After a failure cleared the batch's tracking: load again (the row locks are still ours).
            accounts[customer] = matches = (await LockAccountsAsync(db, [customer], cancellationToken))[customer];
        }

        switch (matches.Count)
        {
            case 0:
                return (StripeEventState.Parked, $"No tenant has Stripe customer {customer}; applied when one does.");
            case > 1:
                return (StripeEventState.Parked, $"{matches.Count} tenants have Stripe customer {customer}; applied when only one does.");
        }

        var account = matches[0];
        var tenantRow = account.Tenant;
        stripeEvent.TenantId = tenantRow.Id;

        var subscription = facts.SubscriptionId;
        if (subscription is null)
        {
            return (StripeEventState.Ignored, "The invoice is not for a subscription.");
        }

        var current = account.Billing?.SubscriptionId ?? tenantRow.StripeSubscriptionId;
        var newSubscription = current is not null && current != subscription;
        if (newSubscription)
        {
            // A new subscription replaces the old one when Stripe reports it live; anything else
            // about another subscription (the old one's last invoice, its deletion) is history.
            var replaces = facts.Kind == BillingEventKind.SubscriptionUpdated && facts.SubscriptionStatus is
                SubscriptionStatuses.Active or SubscriptionStatuses.Trialing or SubscriptionStatuses.PastDue;
            if (!replaces)
            {
                return (StripeEventState.Ignored, $"About subscription {subscription}, not the tenant's current subscription {current}.");
            }
        }

        var billing = account.Billing;
        if (!newSubscription && billing?.LastEventCreatedAt is { } newest && facts.CreatedAt < newest)
        {
            return (StripeEventState.Stale,
                $"Older than {billing.LastEventId} ({newest:yyyy-MM-dd HH:mm:ss} UTC), already applied to {subscription}; changed nothing.");
        }

        var before = account.State();
        billing = account.EnsureBilling(db, now);
        billing.SubscriptionId = subscription;
        tenantRow.StripeSubscriptionId = subscription;

        var grace = options.Value.GracePeriod;
        var outcome = facts.Kind switch
        {
            BillingEventKind.PaymentFailed => MarkPastDue(db, account, facts, SubscriptionStatuses.PastDue, grace, now),
            BillingEventKind.PaymentSucceeded => MarkPaid(account, facts, SubscriptionStatuses.Active, now),
            BillingEventKind.SubscriptionDeleted => EndAccess(db, account, facts, facts.SubscriptionStatus ?? SubscriptionStatuses.Canceled, now),
            _ => facts.SubscriptionStatus switch
            {
                null => throw new StripeEventFormatException($"The {facts.Type} event has no subscription status."),
                SubscriptionStatuses.PastDue => MarkPastDue(db, account, facts, SubscriptionStatuses.PastDue, grace, now),
                var s when SubscriptionStatuses.InGoodStanding(s) => MarkPaid(account, facts, s, now),
                var s when SubscriptionStatuses.EndsAccess(s) => EndAccess(db, account, facts, s, now),
                var s => Record(billing, s),
            },
        };

        billing.LastEventCreatedAt = facts.CreatedAt;
        billing.LastEventId = facts.Id;
        billing.UpdatedAt = now;
        account.UpdateStatus(now);
        AuditChanges(db, account, before, account.State(), outcome);
        return (StripeEventState.Applied, outcome);
    }

    private static string MarkPastDue(TenancyDbContext db, BillingAccount account, StripeEventFacts facts, string status, TimeSpan grace, DateTime now)
    {
        var billing = account.Billing!;
        billing.SubscriptionStatus = status;
        string outcome;
        if (billing.PastDueSince is null)
        {
            billing.PastDueSince = facts.CreatedAt;
            billing.GraceDeadline = facts.CreatedAt + grace;
            outcome = $"Past due; grace until {billing.GraceDeadline:yyyy-MM-dd HH:mm} UTC.";
        }
        else
        {
            outcome = $"Still past due since {billing.PastDueSince:yyyy-MM-dd HH:mm} UTC; grace until {billing.GraceDeadline:yyyy-MM-dd HH:mm} UTC.";
        }

        if (billing.GraceDeadline <= now && account.ActiveBillingSuspension is null)
        {
            account.SuspendForBilling(db, GraceExpiredReason(billing), BillingActors.Stripe.Name, now);
            outcome += " The grace period has already ended: suspended.";
        }

        return outcome;
    }

    private static string MarkPaid(BillingAccount account, StripeEventFacts facts, string status, DateTime now)
    {
        var billing = account.Billing!;
        var wasPastDue = billing.PastDueSince is not null;
        billing.SubscriptionStatus = status;
        billing.PastDueSince = null;
        billing.GraceDeadline = null;
        var outcome = status == SubscriptionStatuses.Trialing ? "Trialing." : wasPastDue ? "Paid; no longer past due." : "In good standing.";
        if (account.ActiveBillingSuspension is { } suspension)
        {
            account.LiftBillingSuspension(suspension, BillingActors.Stripe.Name, $"Stripe reported {facts.Type} ({facts.Id}).", now);
            outcome += " Billing suspension lifted.";
        }

        if (account.ActiveSuspensions.Count > 0)
        {
            outcome += " Still suspended by staff.";
        }

        return outcome;
    }

    private static string EndAccess(TenancyDbContext db, BillingAccount account, StripeEventFacts facts, string status, DateTime now)
    {
        account.Billing!.SubscriptionStatus = status;
        if (account.ActiveBillingSuspension is not null)
        {
            return $"Subscription {status}; already suspended for billing.";
        }

        var reason = facts.Kind == BillingEventKind.SubscriptionDeleted
            ? $"Stripe deleted the subscription ({facts.Id})."
            : $"Stripe reports the subscription {status} ({facts.Id}).";
        account.SuspendForBilling(db, reason, BillingActors.Stripe.Name, now);
        return $"Subscription {status}: suspended for billing.";
    }

    private static string Record(TenantBilling billing, string status)
    {
        billing.SubscriptionStatus = status;
        return $"Subscription {status}; no change to access.";
    }

    internal static string GraceExpiredReason(TenantBilling billing) =>
        $"Unpaid since {billing.PastDueSince:yyyy-MM-dd HH:mm} UTC; the grace period ended {billing.GraceDeadline:yyyy-MM-dd HH:mm} UTC.";

    /// <summary>One audit entry per change of access: past due, settled, suspended, resumed.</summary>
    private void AuditChanges(TenancyDbContext db, BillingAccount account, AccountState before, AccountState after, string outcome)
    {
        var action =
            !before.SuspendedForBilling && after.SuspendedForBilling ? SuspensionAuditActions.Suspended
            : before.SuspendedForBilling && !after.SuspendedForBilling ? SuspensionAuditActions.Resumed
            : before.PastDueSince is null && after.PastDueSince is not null ? BillingAuditActions.PastDue
            : before.PastDueSince is not null && after.PastDueSince is null ? BillingAuditActions.Settled
            : null;
        if (action is not null)
        {
            audit.Record(db, BillingActors.Stripe, action, account.Tenant.Id, before, after, outcome);
        }
    }

    private async Task RecordFailureAsync(
        TenancyDbContext db, string eventId, Exception error, DateTime now, BillingOptions settings, CancellationToken cancellationToken)
    {
        var stripeEvent = await db.StripeEvents.FirstAsync(e => e.Id == eventId, cancellationToken);
        stripeEvent.Attempts++;
        stripeEvent.LastError = Truncate($"{error.GetType().Name}: {error.Message}", 2000);
        if (stripeEvent.Attempts >= settings.MaxAttempts)
        {
            stripeEvent.State = StripeEventState.Failed;
            stripeEvent.ProcessedAt = now;
            stripeEvent.Outcome = $"Failed after {stripeEvent.Attempts} attempts.";
            LogEventFailed(error, eventId, stripeEvent.Type, stripeEvent.Attempts);
        }
        else
        {
            var delay = settings.RetryDelay(stripeEvent.Attempts);
            stripeEvent.NextAttemptAt = now + delay;
            stripeEvent.Outcome = $"Attempt {stripeEvent.Attempts} failed; retrying at {stripeEvent.NextAttemptAt:yyyy-MM-dd HH:mm:ss} UTC.";
            LogEventRetry(error, eventId, stripeEvent.Type, stripeEvent.Attempts, delay);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId} ({Type}) failed (attempt {Attempts}); retrying in {Delay}")]
    private partial void LogEventRetry(Exception exception, string eventId, string type, int attempts, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe event {EventId} ({Type}) failed {Attempts} times; marked failed for staff to replay")]
    private partial void LogEventFailed(Exception exception, string eventId, string type, int attempts);
}
