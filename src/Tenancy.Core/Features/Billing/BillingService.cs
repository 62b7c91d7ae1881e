using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Billing;

/// <summary>A tenant's billing as staff see it.</summary>
public sealed record TenantBillingView(
    Guid TenantId,
    TenantStatus Status,
    string? CustomerId,
    string? SubscriptionId,
    string? SubscriptionStatus,
    DateTime? PastDueSince,
    DateTime? GraceDeadline,
    bool SuspendedForBilling,
    DateTime? LastEventCreatedAt,
    string? LastEventId);

/// <summary>An inbox event without its payload, for lists.</summary>
public sealed record StripeEventSummary(
    string Id,
    string Type,
    DateTime CreatedAt,
    DateTime ReceivedAt,
    string? CustomerId,
    string? SubscriptionId,
    Guid? TenantId,
    StripeEventState State,
    int Attempts,
    DateTime NextAttemptAt,
    DateTime? ProcessedAt,
    string? Outcome,
    string? LastError);

/// <summary>Filters for the fleet's webhook events, newest first.</summary>
public sealed record StripeEventQuery
{
    public const int DefaultPageSize = 50;

    public string? Type { get; init; }

    public StripeEventState? State { get; init; }

    /// <summary>An exact Stripe event id (<c>evt_…</c>) or customer id (<c>cus_…</c>).</summary>
    public string? Search { get; init; }

    public PageRequest Page { get; init; } = PageRequest.First;

    public int PageSize { get; init; } = DefaultPageSize;
}

public sealed record StripeEventPage(IReadOnlyList<StripeEventSummary> Items, string? PreviousCursor, string? NextCursor)
{
    /// <summary>The names of the tenants the page's events belong to.</summary>
    public IReadOnlyDictionary<Guid, string> TenantNames { get; init; } = new Dictionary<Guid, string>();
}

/// <summary>A billing request that cannot be carried out as asked; nothing was changed.</summary>
public sealed class BillingValidationException(string message) : Exception(message);

/// <summary>
/// The staff side of billing: a tenant's billing state and event timeline, the fleet's inbox,
/// replaying failed events and linking a Stripe customer to a tenant (both operator actions:
/// Admin, audited), extending a past-due tenant's grace (Support and Admin, audited).
/// </summary>
public sealed partial class BillingService(
    IDbContextFactory<TenancyDbContext> contextFactory,
    AuditLog audit,
    BillingSignal signal,
    IOptions<BillingOptions> options,
    TimeProvider clock)
{
    public const int TimelineLimit = 200;

    public const int RecentEventsForTypes = 10_000;

    public async Task<TenantBillingView?> GetAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await (
                from t in db.Tenants.AsNoTracking()
                where t.Id == tenantId
                join b in db.TenantBillings.AsNoTracking() on t.Id equals b.TenantId into billings
                from b in billings.DefaultIfEmpty()
                select new TenantBillingView(
                    t.Id, t.Status, t.StripeCustomerId, b != null && b.SubscriptionId != null ? b.SubscriptionId : t.StripeSubscriptionId,
                    b != null ? b.SubscriptionStatus : null, b != null ? b.PastDueSince : null, b != null ? b.GraceDeadline : null,
                    b != null && b.SuspendedForBilling, b != null ? b.LastEventCreatedAt : null, b != null ? b.LastEventId : null))
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The tenant's last failed payment as Stripe described it, or null if none was recorded.</summary>
    public async Task<FailedPayment?> LastFailedPaymentAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var failed = await db.StripeEvents.AsNoTracking()
            .Where(e => e.TenantId == tenantId && e.Type == "invoice.payment_failed")
            .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.ReceivedAt)
            .Select(e => new { e.Id, e.CreatedAt, e.Payload })
            .FirstOrDefaultAsync(cancellationToken);
        return failed is null ? null : FailedPayment.From(failed.Id, DateTime.SpecifyKind(failed.CreatedAt, DateTimeKind.Utc), failed.Payload);
    }

    /// <summary>Whether the tenant's Stripe events come from live mode (its latest event says); null with no events.</summary>
    public async Task<bool?> LivemodeAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.StripeEvents.AsNoTracking()
            .Where(e => e.TenantId == tenantId)
            .OrderByDescending(e => e.CreatedAt)
            .Select(e => (bool?)e.Livemode)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The tenant's Stripe events (and those parked for its customer), newest first.</summary>
    public async Task<IReadOnlyList<StripeEventSummary>> TimelineAsync(Guid tenantId, string? customerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var events = db.StripeEvents.AsNoTracking().Where(e => e.TenantId == tenantId || (customerId != null && e.TenantId == null && e.CustomerId == customerId));
        return await Summaries(events.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.ReceivedAt).Take(TimelineLimit))
            .ToListAsync(cancellationToken);
    }

    public async Task<StripeEventPage> BrowseEventsAsync(StripeEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > TenantQuery.MaxPageSize)
        {
            throw new ArgumentException($"Page size must be between 1 and {TenantQuery.MaxPageSize}.", nameof(query));
        }

        (DateTime ReceivedAt, string Id) cursor = default;
        var kind = query.Page.Kind;
        if (kind is PageKind.After or PageKind.Before && !TryDecodeCursor(query.Page.Cursor, out cursor))
        {
            throw new ArgumentException("The page position in the link is not valid.", nameof(query));
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var rows = db.StripeEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Type))
        {
            rows = rows.Where(e => e.Type == query.Type);
        }

        if (query.Search?.Trim() is { Length: > 0 } search)
        {
            // Exact ids: the primary key and the customer index find them.
            rows = rows.Where(e => e.Id == search || e.CustomerId == search);
        }

        if (query.State is { } state)
        {
            rows = rows.Where(e => e.State == state);
        }

        var backwards = kind is PageKind.Before or PageKind.Last;
        if (kind is PageKind.After or PageKind.Before)
        {
            var (at, id) = cursor;
            rows = backwards
                ? rows.Where(e => e.ReceivedAt > at || (e.ReceivedAt == at && string.Compare(e.Id, id) > 0))
                : rows.Where(e => e.ReceivedAt < at || (e.ReceivedAt == at && string.Compare(e.Id, id) < 0));
        }

        rows = backwards
            ? rows.OrderBy(e => e.ReceivedAt).ThenBy(e => e.Id)
            : rows.OrderByDescending(e => e.ReceivedAt).ThenByDescending(e => e.Id);
        var fetched = await Summaries(rows.Take(query.PageSize + 1)).ToListAsync(cancellationToken);
        var (items, previous, next) = KeysetPage.Cut(fetched, query.PageSize, kind, e => EncodeCursor(e.ReceivedAt, e.Id));
        return new StripeEventPage(items, previous, next) { TenantNames = await TenantNames.OfAsync(db, items.Select(e => e.TenantId), cancellationToken) };
    }

    /// <summary>How many events wait, are parked or failed: the states staff act on.</summary>
    public async Task<IReadOnlyDictionary<StripeEventState, int>> CountAttentionAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        StripeEventState[] states = [StripeEventState.Pending, StripeEventState.Parked, StripeEventState.Failed];
        var counts = await db.StripeEvents.AsNoTracking()
            .Where(e => states.Contains(e.State))
            .GroupBy(e => e.State)
            .Select(g => new { State = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return states.ToDictionary(s => s, s => counts.FirstOrDefault(c => c.State == s)?.Count ?? 0);
    }

    /// <summary>
    /// The types for the type filter: those billing acts on and those among the newest
    /// <see cref="RecentEventsForTypes"/> events (read through the received-at index, so the
    /// page does not scan the whole inbox each time it opens).
    /// </summary>
    public async Task<IReadOnlyList<string>> ListEventTypesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var seen = await db.StripeEvents.AsNoTracking()
            .OrderByDescending(e => e.ReceivedAt)
            .Take(RecentEventsForTypes)
            .Select(e => e.Type)
            .Distinct()
            .ToListAsync(cancellationToken);
        return [.. seen.Union(HandledTypes).Order(StringComparer.Ordinal)];
    }

    /// <summary>The event types billing acts on.</summary>
    public static readonly IReadOnlyList<string> HandledTypes =
    [
        "customer.subscription.deleted", "customer.subscription.updated", "invoice.paid", "invoice.payment_failed", "invoice.payment_succeeded",
    ];

    public async Task<string?> GetPayloadAsync(string eventId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.StripeEvents.AsNoTracking().Where(e => e.Id == eventId).Select(e => e.Payload).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Puts a failed event back in the queue, attempts reset. Admin; audited.</summary>
    /// <exception cref="StaffForbiddenException">The actor may not operate billing.</exception>
    /// <exception cref="BillingValidationException">The event is not failed (any more).</exception>
    /// <exception cref="KeyNotFoundException">No such event.</exception>
    public async Task ReplayAsync(StaffActor actor, string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.OperateBilling);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var stripeEvent = await db.StripeEvents.FirstOrDefaultAsync(e => e.Id == eventId, cancellationToken)
            ?? throw new KeyNotFoundException($"No Stripe event {eventId}.");
        var before = new { State = stripeEvent.State.ToString(), stripeEvent.Attempts, stripeEvent.LastError };

        // Only from failed, and only once when two members of staff click at once.
        var replayed = await db.StripeEvents
            .Where(e => e.Id == eventId && e.State == StripeEventState.Failed)
            .ExecuteUpdateAsync(u => u
                .SetProperty(e => e.State, StripeEventState.Pending)
                .SetProperty(e => e.Attempts, 0)
                .SetProperty(e => e.NextAttemptAt, now)
                .SetProperty(e => e.Outcome, $"Replayed by {actor.Name}."), cancellationToken);
        if (replayed == 0)
        {
            throw new BillingValidationException($"Event {eventId} is {stripeEvent.State.ToString().ToLowerInvariant()}, not failed: only failed events can be replayed.");
        }

        audit.Record(db, actor, BillingAuditActions.EventReplayed, stripeEvent.TenantId, before, new { State = nameof(StripeEventState.Pending), EventId = eventId });
        await db.SaveChangesAsync(cancellationToken);
        signal.Wake();
    }

    /// <summary>
    /// Sets the tenant's Stripe customer id (Admin; audited) and re-queues the events parked
    /// for that customer, so they are applied now.
    /// </summary>
    /// <exception cref="BillingValidationException">Not a customer id, or another tenant has it.</exception>
    public async Task<int> LinkCustomerAsync(StaffActor actor, Guid tenantId, string customerId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.OperateBilling);
        customerId = customerId?.Trim() ?? "";
        if (!CustomerIdPattern().IsMatch(customerId))
        {
            throw new BillingValidationException("A Stripe customer id looks like cus_ followed by letters and digits.");
        }

        if (AuditLog.ValidateReason(reason) is { } error)
        {
            throw new BillingValidationException(error);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await TenantAccessLock.TakeAsync(db, tenantId, cancellationToken);
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Id == tenantId, cancellationToken)
            ?? throw new KeyNotFoundException($"No tenant {tenantId}.");
        if (await db.Tenants.AnyAsync(t => t.StripeCustomerId == customerId && t.Id != tenantId, cancellationToken))
        {
            throw new BillingValidationException($"Another tenant already has Stripe customer {customerId}.");
        }

        var before = new { tenant.StripeCustomerId };
        tenant.StripeCustomerId = customerId;
        tenant.UpdatedAt = now;
        audit.Record(db, actor, BillingAuditActions.CustomerLinked, tenantId, before, new { tenant.StripeCustomerId }, reason.Trim());
        await db.SaveChangesAsync(cancellationToken);
        var requeued = await db.StripeEvents.Where(e => e.CustomerId == customerId).RequeueParkedAsync(now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Wake();
        return requeued;
    }

    /// <summary>
    /// Moves a past-due tenant's grace deadline later (Support or Admin; a reason; audited), so
    /// the grace-period sweep suspends it later. <paramref name="seenDeadline"/> is the deadline
    /// the member of staff saw: if it changed meanwhile (a colleague extended it, a payment
    /// cleared it) nothing is changed and the message says what it is now.
    /// </summary>
    /// <exception cref="BillingValidationException">Not past due, already suspended for billing, the new deadline not later, past the maximum, or no reason.</exception>
    public async Task<DateTime> ExtendGraceAsync(
        StaffActor actor, Guid tenantId, DateTime newDeadline, DateTime seenDeadline, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.ExtendGrace);
        if (AuditLog.ValidateReason(reason) is { } error)
        {
            throw new BillingValidationException(error);
        }

        newDeadline = DateTime.SpecifyKind(newDeadline, DateTimeKind.Utc);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await TenantAccessLock.TakeAsync(db, tenantId, cancellationToken);
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, cancellationToken))
        {
            throw new KeyNotFoundException($"No tenant {tenantId}.");
        }

        var billing = await db.TenantBillings.FirstOrDefaultAsync(b => b.TenantId == tenantId, cancellationToken);
        if (billing is not { PastDueSince: { } pastDueSince, GraceDeadline: { } deadline })
        {
            throw new BillingValidationException("The tenant is not past due: it has no grace period to extend.");
        }

        if (billing.SuspendedForBilling)
        {
            throw new BillingValidationException("The tenant is already suspended for billing; a payment lifts the suspension.");
        }

        if (deadline != DateTime.SpecifyKind(seenDeadline, DateTimeKind.Utc))
        {
            throw new BillingValidationException($"The grace deadline changed meanwhile: it is now {deadline:yyyy-MM-dd HH:mm} UTC. Look again before extending it.");
        }

        var latest = LatestGraceDeadline(pastDueSince);
        if (newDeadline <= deadline || newDeadline <= now)
        {
            throw new BillingValidationException($"Choose a deadline after the current one ({deadline:yyyy-MM-dd HH:mm} UTC) and after now.");
        }

        if (newDeadline > latest)
        {
            throw new BillingValidationException(
                $"Grace can run at most {options.Value.MaxGracePeriod.TotalDays:0.#} days from when the tenant became past due: until {latest:yyyy-MM-dd HH:mm} UTC at the latest.");
        }

        billing.GraceDeadline = newDeadline;
        billing.UpdatedAt = now;
        audit.Record(db, actor, BillingAuditActions.GraceExtended, tenantId,
            new { GraceDeadline = deadline }, new { GraceDeadline = newDeadline }, reason.Trim());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return newDeadline;
    }

    /// <summary>The latest grace deadline staff may set for a tenant past due since <paramref name="pastDueSince"/>.</summary>
    public DateTime LatestGraceDeadline(DateTime pastDueSince) => pastDueSince + options.Value.MaxGracePeriod;

    private static IQueryable<StripeEventSummary> Summaries(IQueryable<StripeEvent> events) =>
        events.Select(e => new StripeEventSummary(
            e.Id, e.Type, e.CreatedAt, e.ReceivedAt, e.CustomerId, e.SubscriptionId, e.TenantId,
            e.State, e.Attempts, e.NextAttemptAt, e.ProcessedAt, e.Outcome, e.LastError));

    private static string EncodeCursor(DateTime receivedAt, string id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{receivedAt.Ticks.ToString(CultureInfo.InvariantCulture)}|{id}"));

    private static bool TryDecodeCursor(string? token, out (DateTime ReceivedAt, string Id) cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(token) || token.Length > 1024)
        {
            return false;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            if (bar <= 0 || !long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks || bar == text.Length - 1)
            {
                return false;
            }

            cursor = (new DateTime(ticks, DateTimeKind.Utc), text[(bar + 1)..]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    [GeneratedRegex("^cus_[A-Za-z0-9]{1,60}$")]
    private static partial Regex CustomerIdPattern();
}
