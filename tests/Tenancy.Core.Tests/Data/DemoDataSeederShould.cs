using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Data;
using Tenancy.Core.Data.Seeding;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Data;

/// <summary>
/// The demo seeder's billing state agrees with the statuses it gives tenants: two runs (the
/// second adds to a catalog that has tenants, as a resumed or repeated seeding does) on a real
/// database, read back through EF Core and checked against the domain's status rule.
/// </summary>
public abstract class DemoDataSeederShould(TestDatabase database) : IAsyncLifetime
{
    private const int FirstRun = 3_000;
    private const int SecondRun = 2_000;

    private static readonly DateTime Now = new(2026, 11, 20, 12, 34, 56, 789, DateTimeKind.Utc);

    /// <summary>The generator's "now": the clock truncated to whole seconds.</summary>
    private static readonly DateTime SeedNow = new(2026, 11, 20, 12, 34, 56, DateTimeKind.Utc);

    private static readonly TimeSpan Grace = new BillingOptions().GracePeriod;

    protected TestDatabase Database { get; } = database;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => new(Database.SeedOnceAsync("demo", async (_, cancellationToken) =>
    {
        var seeder = new DemoDataSeeder(Database.ContextFactory, new FakeTimeProvider(new DateTimeOffset(Now)));
        await seeder.SeedAsync(FirstRun, cancellationToken);
        await seeder.SeedAsync(SecondRun, cancellationToken);
    }, Cancellation));

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The seed sets change capture aside (decision 0005): it logs one history start per tenant it
    /// gave data, and capture is on again afterwards. Only the showcase tenants have captured
    /// changes (their recent past, written once, by the first run).
    /// </summary>
    [Fact]
    public async Task StartTheHistoryOfSeededTenantsInsteadOfCapturingTheLoad()
    {
        await using var db = Database.CreateContext();
        var changes = await db.TenantChanges.AsNoTracking().ToListAsync(Cancellation);
        var tenantsWithData = await db.Members.Select(m => m.TenantId)
            .Union(db.Projects.Select(p => p.TenantId))
            .Union(db.TenantSettings.Select(s => s.TenantId))
            .ToListAsync(Cancellation);
        var slugs = DemoShowcase.All.Select(s => s.Slug).ToList();
        var showcase = await db.Tenants.Where(t => slugs.Contains(t.Slug)).Select(t => t.Id).ToListAsync(Cancellation);

        Assert.NotEmpty(tenantsWithData);
        Assert.Equal(DemoShowcase.All.Count, showcase.Count);
        Assert.Equal(tenantsWithData.Order(), changes.Where(c => c.Op == TenantChangeOp.HistoryStart).Select(c => c.TenantId).Order());
        Assert.All(changes.Where(c => c.Op != TenantChangeOp.HistoryStart), c => Assert.Contains(c.TenantId, showcase));
        Assert.All(showcase, id => Assert.Contains(changes, c => c.TenantId == id && c.Op != TenantChangeOp.HistoryStart));

        await using var transaction = await db.Database.BeginTransactionAsync(Cancellation);
        var member = new Member { TenantId = tenantsWithData.First(t => !showcase.Contains(t)), Email = "after-seed@example.test", Name = "After", CreatedAt = Now };
        db.Members.Add(member);
        await db.SaveChangesAsync(Cancellation);
        var captured = await db.TenantChanges.AsNoTracking()
            .Where(c => c.TenantId == member.TenantId && c.Op == TenantChangeOp.Insert).ToListAsync(Cancellation);
        await transaction.RollbackAsync(Cancellation);

        Assert.Equal("members", Assert.Single(captured).TableName);
    }

    [Fact]
    public async Task SeedTenantsOfEveryKindOfBillingState()
    {
        var (tenants, billings, suspensions) = await ReadAsync();
        Assert.Equal(FirstRun + SecondRun, tenants.Count);

        // Enough of each kind that the checks below check something.
        Assert.InRange(tenants.Values.Count(t => t.Status == TenantStatus.PastDue), 100, 200);
        Assert.InRange(tenants.Values.Count(t => t.Status == TenantStatus.Suspended), 60, 150);
        var active = suspensions.Where(s => s.IsActive).ToList();
        Assert.InRange(active.Count(s => s.IsBilling), 20, 80);
        Assert.Equal(
            SuspensionCategories.Manual.Order(),
            active.Where(s => !s.IsBilling).Select(s => s.Category).Distinct().Order());
        Assert.Contains(suspensions, s => !s.IsActive && tenants[s.TenantId].Status == TenantStatus.Suspended);
        Assert.Contains(suspensions, s => !s.IsActive && tenants[s.TenantId].Status == TenantStatus.Active);
        Assert.Contains(suspensions, s => !s.IsActive && s.IsBilling);
        Assert.Contains(billings.Values, b => b.SubscriptionStatus == SubscriptionStatuses.Active);
    }

    [Fact]
    public async Task GiveEveryPastDueTenantABillingRowInItsGracePeriod()
    {
        var (tenants, billings, _) = await ReadAsync();
        foreach (var tenant in tenants.Values.Where(t => t.Status == TenantStatus.PastDue))
        {
            var billing = Assert.Contains(tenant.Id, billings);
            Assert.NotNull(tenant.StripeCustomerId);
            Assert.NotNull(tenant.StripeSubscriptionId);
            Assert.Equal(tenant.StripeSubscriptionId, billing.SubscriptionId);
            Assert.Equal(SubscriptionStatuses.PastDue, billing.SubscriptionStatus);
            Assert.False(billing.SuspendedForBilling);
            var since = Assert.NotNull(billing.PastDueSince);
            Assert.InRange(since, Max(SeedNow.AddDays(-6), tenant.CreatedAt), SeedNow);
            Assert.Equal(since + Grace, billing.GraceDeadline);
            Assert.Equal(since, tenant.UpdatedAt);
        }
    }

    [Fact]
    public async Task SuspendEverySuspendedTenantAndNoOther()
    {
        var (tenants, billings, suspensions) = await ReadAsync();
        var activeByTenant = suspensions.Where(s => s.IsActive).ToLookup(s => s.TenantId);
        foreach (var tenant in tenants.Values)
        {
            Assert.Equal(tenant.Status == TenantStatus.Suspended, activeByTenant[tenant.Id].Any());
            Assert.True(activeByTenant[tenant.Id].Count(s => s.IsBilling) <= 1, $"{tenant.Id} has two active billing suspensions.");

            // The billing row says whether a billing suspension is in force.
            var suspendedForBilling = activeByTenant[tenant.Id].Any(s => s.IsBilling);
            Assert.Equal(suspendedForBilling, billings.TryGetValue(tenant.Id, out var billing) && billing.SuspendedForBilling);
        }
    }

    [Fact]
    public async Task SuspendForBillingOnlyAfterTheGracePeriod()
    {
        var (tenants, billings, suspensions) = await ReadAsync();
        foreach (var suspension in suspensions.Where(s => s.IsActive && s.IsBilling))
        {
            var tenant = tenants[suspension.TenantId];
            var billing = billings[suspension.TenantId];
            Assert.Equal(tenant.StripeSubscriptionId, billing.SubscriptionId);
            Assert.Contains(billing.SubscriptionStatus, new[] { SubscriptionStatuses.Unpaid, SubscriptionStatuses.PastDue });
            var since = Assert.NotNull(billing.PastDueSince);
            Assert.InRange(since, tenant.CreatedAt, SeedNow.AddDays(-8));
            Assert.True(since >= SeedNow.AddDays(-40));
            Assert.Equal(since + Grace, billing.GraceDeadline);
            Assert.InRange(suspension.StartedAt, billing.GraceDeadline!.Value, SeedNow);
            Assert.Equal(BillingActors.GraceSweep.Name, suspension.StartedBy);
            Assert.Equal(StripeEventProcessor.GraceExpiredReason(billing), suspension.Reason);
        }
    }

    [Fact]
    public async Task KeepEachTenantsSuspensionsInOrder()
    {
        var (tenants, _, suspensions) = await ReadAsync();
        foreach (var group in suspensions.GroupBy(s => s.TenantId))
        {
            var tenant = tenants[group.Key];
            Assert.NotEqual(TenantStatus.Deleted, tenant.Status);
            foreach (var s in group)
            {
                Assert.InRange(s.StartedAt, tenant.CreatedAt, SeedNow);
                Assert.False(string.IsNullOrWhiteSpace(s.Reason));
                Assert.False(string.IsNullOrWhiteSpace(s.StartedBy));
                if (s.LiftedAt is { } lifted)
                {
                    Assert.InRange(lifted, s.StartedAt, SeedNow);
                    Assert.False(string.IsNullOrWhiteSpace(s.LiftedBy));
                    Assert.False(string.IsNullOrWhiteSpace(s.LiftReason));
                }
            }

            // History first: a lifted suspension ended before the one in force began.
            if (group.SingleOrDefault(s => s.IsActive) is { } active)
            {
                Assert.All(group.Where(s => !s.IsActive), s => Assert.True(s.LiftedAt < active.StartedAt));
                Assert.Equal(active.StartedAt, tenant.UpdatedAt);
            }
        }
    }

    [Fact]
    public async Task AgreeWithTheStatusRule()
    {
        var (tenants, billings, suspensions) = await ReadAsync();
        var checkedTenants = tenants.Values
            .Where(t => t.Status is TenantStatus.PastDue or TenantStatus.Suspended || billings.ContainsKey(t.Id) || suspensions.Any(s => s.TenantId == t.Id))
            .Select(t => t.Id)
            .ToList();
        Assert.True(checkedTenants.Count > 200);

        await using var db = Database.CreateContext();
        foreach (var id in checkedTenants)
        {
            var account = await BillingAccount.LoadAsync(db, id, Cancellation);
            Assert.NotNull(account);
            var seeded = account.Tenant.Status;
            Assert.False(account.UpdateStatus(Now), $"Tenant {id} was seeded {seeded}, but the status rule makes it {account.Tenant.Status}.");
        }
    }

    private async Task<(Dictionary<Guid, Tenant> Tenants, Dictionary<Guid, TenantBilling> Billings, List<Suspension> Suspensions)> ReadAsync()
    {
        await using var db = Database.CreateContext();
        var tenants = await db.Tenants.AsNoTracking().ToDictionaryAsync(t => t.Id, Cancellation);
        var billings = await db.TenantBillings.AsNoTracking().ToDictionaryAsync(b => b.TenantId, Cancellation);
        var suspensions = await db.Suspensions.AsNoTracking().ToListAsync(Cancellation);
        return (tenants, billings, suspensions);
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}

public sealed class DemoDataSeederShouldOnPostgres(PostgresDatabase database)
    : DemoDataSeederShould(database), IClassFixture<PostgresDatabase>;

public sealed class DemoDataSeederShouldOnSqlite(SqliteDatabase database)
    : DemoDataSeederShould(database), IClassFixture<SqliteDatabase>;

/// <summary>The generator on its own: billing state is as reproducible as the rest of the demo data.</summary>
public sealed class DemoAccountGeneratorShould
{
    [Fact]
    public void GiveTheSameAccountsForTheSameSeedAndClock()
    {
        var now = new DateTime(2026, 11, 20, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal(Accounts(now), Accounts(now));
        Assert.NotEqual(Accounts(now), Accounts(now.AddDays(1)));
    }

    private static List<string> Accounts(DateTime now)
    {
        var generator = new DemoTenantGenerator(DemoDataSeeder.Seed, 0, 20_000, now);
        var accounts = new List<string>();
        while (generator.TryNext(out var t))
        {
            if (t.Account is { } a)
            {
                accounts.Add($"{a.TenantId} {t.UpdatedAt:O} {a.Billing} {a.Lifted} {a.Active}");
            }
        }

        Assert.True(accounts.Count > 800);
        return accounts;
    }
}
