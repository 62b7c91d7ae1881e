using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;
using Tenancy.Testing;

namespace Tenancy.Core.Tests.Features.Billing;

/// <summary>A paying tenant (customer + subscription ids).</summary>
public sealed record BillingTenant(Guid Id, string Customer, string Subscription);

/// <summary>
/// The billing services wired as the app wires them, on a test database and a clock the test
/// moves; the event processor's batches are watched by <see cref="Probe"/>.
/// </summary>
public sealed class BillingHarness
{
    public BillingHarness(TestDatabase database, FakeTimeProvider clock, BillingOptions? billing = null, StripeOptions? stripe = null)
    {
        Database = database;
        Clock = clock;
        Options = billing ?? new BillingOptions();
        Stripe = stripe ?? new StripeOptions { WebhookSecret = StripeTestEvents.Secret };
        Signal = new BillingSignal();
        Audit = new AuditLog(database.ContextFactory, clock);
        Enforcer = new QuotaEnforcer(database.ContextFactory, new UsageMeter(database.ContextFactory, clock), clock);
        Receiver = new StripeWebhookReceiver(database.ContextFactory, Microsoft.Extensions.Options.Options.Create(Stripe), Signal, clock, NullLogger<StripeWebhookReceiver>.Instance);
        Probe = new BatchProbe();
        Processor = NewProcessor(Probe);
        Sweeper = new GraceSweeper(database.ContextFactory, Audit, Signal, clock, NullLogger<GraceSweeper>.Instance);
        Billing = new BillingService(database.ContextFactory, Audit, Signal, Microsoft.Extensions.Options.Options.Create(Options), clock);
        Suspensions = new SuspensionService(database.ContextFactory, Audit, clock, new BillingStandingReader(), [Enforcer]);
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Clock { get; }

    public BillingOptions Options { get; }

    public StripeOptions Stripe { get; }

    public BillingSignal Signal { get; }

    public AuditLog Audit { get; }

    public QuotaEnforcer Enforcer { get; }

    public StripeWebhookReceiver Receiver { get; }

    /// <summary>Watches <see cref="Processor"/>'s batches.</summary>
    public BatchProbe Probe { get; }

    public StripeEventProcessor Processor { get; }

    public GraceSweeper Sweeper { get; }

    public BillingService Billing { get; }

    public SuspensionService Suspensions { get; }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Another processor on the same database, as a second worker instance would have, watched by <paramref name="probe"/> if given.</summary>
    public StripeEventProcessor NewProcessor(BatchProbe? probe = null) =>
        new(probe is null ? Database.ContextFactory : Database.ContextFactoryWith(probe),
            Audit, Microsoft.Extensions.Options.Options.Create(Options), Clock, NullLogger<StripeEventProcessor>.Instance);

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>Delivers <paramref name="payload"/> as Stripe would (signed now) and returns the receipt.</summary>
    public Task<WebhookReceipt> DeliverAsync(string payload, string secret = StripeTestEvents.Secret) =>
        Receiver.ReceiveAsync(payload, StripeTestEvents.Sign(payload, Clock.GetUtcNow(), secret), Cancellation);

    /// <summary>Delivers and processes everything due.</summary>
    public async Task<WebhookReceipt> DeliverAndApplyAsync(string payload)
    {
        var receipt = await DeliverAsync(payload);
        Assert.Contains(receipt.Outcome, new[] { WebhookOutcome.Accepted, WebhookOutcome.Duplicate });
        await Processor.DrainAsync(Cancellation);
        return receipt;
    }

    public async Task<BillingTenant> CreateTenantAsync(TenantStatus status = TenantStatus.Active, bool withCustomer = true)
    {
        var id = Guid.CreateVersion7();
        var slug = "billing-" + id.ToString("N")[^12..];
        var customer = StripeTestEvents.NewId("cus_");
        var subscription = StripeTestEvents.NewId("sub_");
        var created = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        await using var db = Database.CreateContext();
        db.Tenants.Add(new Tenant
        {
            Id = id,
            Name = "Billing " + slug,
            Slug = slug,
            OwnerName = "Owner",
            OwnerEmail = slug + "@example.test",
            Status = status,
            PlanId = PlanCatalog.Professional,
            Region = "eu-west",
            StripeCustomerId = withCustomer ? customer : null,
            StripeSubscriptionId = withCustomer ? subscription : null,
            CreatedAt = created,
            UpdatedAt = created,
        });
        await db.SaveChangesAsync(Cancellation);
        return new BillingTenant(id, customer, subscription);
    }

    public async Task<Tenant> TenantAsync(Guid id)
    {
        await using var db = Database.CreateContext();
        return await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == id, Cancellation);
    }

    public async Task<TenantBilling?> BillingRowAsync(Guid id)
    {
        await using var db = Database.CreateContext();
        return await db.TenantBillings.AsNoTracking().SingleOrDefaultAsync(b => b.TenantId == id, Cancellation);
    }

    public async Task<List<Suspension>> SuspensionsAsync(Guid id)
    {
        await using var db = Database.CreateContext();
        return await db.Suspensions.AsNoTracking().Where(s => s.TenantId == id).OrderBy(s => s.StartedAt).ToListAsync(Cancellation);
    }

    public async Task<StripeEvent> EventAsync(string id)
    {
        await using var db = Database.CreateContext();
        return await db.StripeEvents.AsNoTracking().SingleAsync(e => e.Id == id, Cancellation);
    }

    public async Task<List<AuditEntry>> AuditAsync(Guid tenantId)
    {
        await using var db = Database.CreateContext();
        return await db.AuditLog.AsNoTracking().Where(e => e.TenantId == tenantId).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).ToListAsync(Cancellation);
    }
}
