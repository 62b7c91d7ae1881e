using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;
using static Tenancy.Core.Tests.Features.Quotas.QuotaTestData;

namespace Tenancy.Core.Tests.Features.Quotas;

/// <summary>The product side: allowed or denied, and why, at and around the limits, over time.</summary>
public abstract class QuotaEnforcerShould(TestDatabase database)
{
    // A whole second, well inside March.
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(-1, true, "Allowed.")]
    [InlineData(0, false, "API requests per month quota reached: 10,000 of 10,000 requests / month used; 1 more requested.")]
    [InlineData(1, false, "API requests per month quota reached: 10,001 of 10,000 requests / month used; 1 more requested.")]
    public async Task DenyMonthlyUsageBeyondTheLimit(int offsetFromLimit, bool allowed, string message)
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        var enforcer = Enforcer(database, clock);
        await SetCounterAsync(tenant, QuotaMetric.ApiRequestsPerMonth, 10_000 + offsetFromLimit);

        var check = enforcer.Check(tenant, QuotaMetric.ApiRequestsPerMonth);
        var consume = enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth);
        var next = enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth);

        Assert.Equal(allowed, check.Allowed);
        Assert.Equal(allowed, consume.Allowed);
        Assert.False(next.Allowed);
        Assert.Equal(QuotaDenial.OverQuota, next.Reason);
        Assert.Equal((10_000L, 10_000L + offsetFromLimit), (check.Limit, check.Used));
        Assert.Equal(allowed ? QuotaDenial.None : QuotaDenial.OverQuota, check.Reason);
        Assert.Equal(message, check.Message);
    }

    [Fact]
    public async Task AllowAnAmountThatExactlyFillsTheLimit()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        var enforcer = Enforcer(database, clock);
        var gb = QuotaMetrics.GB;

        Assert.True(enforcer.TryConsume(tenant, QuotaMetric.TransferBytesPerMonth, 4 * gb).Allowed);
        Assert.False(enforcer.Check(tenant, QuotaMetric.TransferBytesPerMonth, gb + 1).Allowed);
        Assert.True(enforcer.Check(tenant, QuotaMetric.TransferBytesPerMonth, gb).Allowed);
        Assert.True(enforcer.TryConsume(tenant, QuotaMetric.TransferBytesPerMonth, gb).Allowed);
        Assert.True(enforcer.Check(tenant, QuotaMetric.TransferBytesPerMonth, 0).Allowed);
        Assert.False(enforcer.TryConsume(tenant, QuotaMetric.TransferBytesPerMonth, 1).Allowed);
        Assert.Equal(5 * gb, enforcer.Check(tenant, QuotaMetric.TransferBytesPerMonth).Used);
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    public async Task CountSeatsFromTheTenantsMembers(int members, bool mayAddOne)
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free, members: members);
        var enforcer = Enforcer(database, clock);

        var sync = enforcer.Check(tenant, QuotaMetric.Seats);
        var async = await enforcer.CheckAsync(tenant, QuotaMetric.Seats, cancellationToken: Cancellation);

        Assert.Equal((mayAddOne, 3L, (long)members), (sync.Allowed, sync.Limit!.Value, sync.Used));
        Assert.Equal((mayAddOne, 3L, (long)members), (async.Allowed, async.Limit!.Value, async.Used));
        Assert.Equal(mayAddOne ? QuotaDenial.None : QuotaDenial.OverQuota, sync.Reason);
    }

    [Fact]
    public async Task CountProjectsAndStorageFromTheTenantsData()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free, projects: 1, itemSizes: [600_000_000, 300_000_000]);
        var enforcer = Enforcer(database, clock);

        Assert.True(enforcer.Check(tenant, QuotaMetric.Projects).Allowed);
        Assert.True(enforcer.Check(tenant, QuotaMetric.StorageBytes, 100_000_000).Allowed);
        Assert.False(enforcer.Check(tenant, QuotaMetric.StorageBytes, 100_000_001).Allowed);

        // The data is the usage: add it, and the next check sees it (no cache of usage).
        await AddDataAsync(database, tenant, projects: 1);
        Assert.False(enforcer.TryConsume(tenant, QuotaMetric.Projects).Allowed);
        Assert.Equal(3, enforcer.Check(tenant, QuotaMetric.Projects).Used);
    }

    [Fact]
    public async Task AllowAnythingUnderAnUnlimitedLimit()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Enterprise, members: 3);
        var enforcer = Enforcer(database, clock);

        var seats = enforcer.Check(tenant, QuotaMetric.Seats, 1_000_000);
        var requests = enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, long.MaxValue / 2);
        var more = enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, long.MaxValue / 2);

        Assert.True(seats.Allowed);
        Assert.Null(seats.Limit);
        Assert.True(requests.Allowed);
        Assert.True(more.Allowed);
    }

    [Fact]
    public async Task DenyEverythingToASuspendedTenant()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Enterprise, TenantStatus.Suspended);
        var enforcer = Enforcer(database, clock);

        foreach (var metric in Enum.GetValues<QuotaMetric>())
        {
            var decision = enforcer.TryConsume(tenant, metric, 0);
            Assert.Equal(QuotaDenial.TenantSuspended, decision.Reason);
            Assert.Equal("The tenant is suspended.", decision.Message);
        }
    }

    [Fact]
    public async Task DenyUnknownAndDeletedTenants()
    {
        var deleted = await CreateTenantAsync(database, status: TenantStatus.Deleted);
        var enforcer = Enforcer(database, clock);

        Assert.Equal(QuotaDenial.TenantNotFound, enforcer.Check(Guid.CreateVersion7(), QuotaMetric.ApiRequestsPerSecond).Reason);
        Assert.Equal(QuotaDenial.TenantNotFound, (await enforcer.CheckAsync(Guid.CreateVersion7(), QuotaMetric.Seats, cancellationToken: Cancellation)).Reason);
        Assert.Equal(QuotaDenial.TenantNotFound, enforcer.TryConsume(deleted, QuotaMetric.ApiRequestsPerMonth).Reason);
    }

    [Fact]
    public async Task RefuseNegativeAmountsAndUnknownMetrics()
    {
        var tenant = await CreateTenantAsync(database);
        var enforcer = Enforcer(database, clock);

        Assert.Throws<ArgumentOutOfRangeException>(() => enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => enforcer.Check(tenant, (QuotaMetric)99));
    }

    [Fact]
    public async Task AllowABurstUpToTheRateWithinASecondAndResetInTheNext()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free); // 5 requests per second
        var enforcer = Enforcer(database, clock);

        var first = Enumerable.Range(0, 5).Select(_ => enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerSecond)).ToList();
        var sixth = enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerSecond);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        var stillThisSecond = enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerSecond);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var nextSecond = Enumerable.Range(0, 5).Select(_ => enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerSecond)).ToList();
        var overAgain = enforcer.Check(tenant, QuotaMetric.ApiRequestsPerSecond);
        clock.Advance(TimeSpan.FromSeconds(30));
        var later = enforcer.Check(tenant, QuotaMetric.ApiRequestsPerSecond, 5);

        Assert.All(first, d => Assert.True(d.Allowed));
        Assert.Equal([0L, 1L, 2L, 3L, 4L], first.Select(d => d.Used));
        Assert.Equal((QuotaDenial.RateLimited, 5L), (sixth.Reason, sixth.Used));
        Assert.Equal("Rate limit of 5 requests / second reached; retry in a second.", sixth.Message);
        Assert.Equal(QuotaDenial.RateLimited, stillThisSecond.Reason);
        Assert.All(nextSecond, d => Assert.True(d.Allowed));
        Assert.Equal(QuotaDenial.RateLimited, overAgain.Reason);
        Assert.True(later.Allowed);
    }

    [Fact]
    public async Task CountABatchOfRequestsAgainstTheRateAsAWhole()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        var enforcer = Enforcer(database, clock);

        Assert.False(enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerSecond, 6).Allowed);
        Assert.True(enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerSecond, 4).Allowed);
        Assert.False(enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerSecond, 2).Allowed);
        Assert.True(enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerSecond, 1).Allowed);
    }

    [Fact]
    public async Task ResetMonthlyCountersAtTheUtcMonthBoundary()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        var janEnd = new FakeTimeProvider(new DateTimeOffset(2026, 1, 31, 23, 59, 59, TimeSpan.Zero));
        var meter = new UsageMeter(database.ContextFactory, janEnd);
        var enforcer = Enforcer(database, janEnd, meter);

        Assert.True(enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, 10_000).Allowed);
        var lastSecondOfJanuary = enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth);
        janEnd.Advance(TimeSpan.FromSeconds(1)); // 2026-02-01T00:00:00Z
        var checkInFebruary = enforcer.Check(tenant, QuotaMetric.ApiRequestsPerMonth, 10_000);
        var firstOfFebruary = enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, 7);
        await meter.FlushAsync(Cancellation);

        Assert.Equal(QuotaDenial.OverQuota, lastSecondOfJanuary.Reason);
        Assert.True(checkInFebruary.Allowed);
        Assert.Equal(0, checkInFebruary.Used);
        Assert.True(firstOfFebruary.Allowed);
        Assert.Equal(0, firstOfFebruary.Used);
        Assert.Equal(new Dictionary<string, long> { ["2026-01"] = 10_000, ["2026-02"] = 7 }, await CountersAsync(tenant, QuotaMetric.ApiRequestsPerMonth));
    }

    [Fact]
    public async Task RollOverWhenTheCacheRefreshesAfterTheMonthEnds()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        var janEnd = new FakeTimeProvider(new DateTimeOffset(2026, 1, 31, 23, 59, 58, TimeSpan.Zero));
        var enforcer = Enforcer(database, janEnd);
        Assert.True(enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, 9_999).Allowed);

        janEnd.Advance(TimeSpan.FromSeconds(5));
        await enforcer.RefreshAsync(cancellationToken: Cancellation);

        Assert.Equal(0, enforcer.Check(tenant, QuotaMetric.ApiRequestsPerMonth).Used);
        Assert.Equal(new Dictionary<string, long> { ["2026-01"] = 9_999 }, await CountersAsync(tenant, QuotaMetric.ApiRequestsPerMonth));
    }

    [Fact]
    public async Task WriteConsumedUsageToTheMonthlyCounterOnRefresh()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Starter);
        var enforcer = Enforcer(database, clock);
        await SetCounterAsync(tenant, QuotaMetric.ApiRequestsPerMonth, 100);

        for (var i = 0; i < 25; i++)
        {
            enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth);
        }

        enforcer.TryConsume(tenant, QuotaMetric.TransferBytesPerMonth, 2_048);
        Assert.Equal(new Dictionary<string, long> { ["2026-03"] = 100 }, await CountersAsync(tenant, QuotaMetric.ApiRequestsPerMonth));
        await enforcer.RefreshAsync(cancellationToken: Cancellation);
        await enforcer.RefreshAsync(cancellationToken: Cancellation); // nothing new: writes nothing more

        Assert.Equal(new Dictionary<string, long> { ["2026-03"] = 125 }, await CountersAsync(tenant, QuotaMetric.ApiRequestsPerMonth));
        Assert.Equal(new Dictionary<string, long> { ["2026-03"] = 2_048 }, await CountersAsync(tenant, QuotaMetric.TransferBytesPerMonth));
        Assert.Equal(125, enforcer.Check(tenant, QuotaMetric.ApiRequestsPerMonth).Used);
        Assert.Equal(125, (await Service(database, clock).GetAsync(tenant, Cancellation))![QuotaMetric.ApiRequestsPerMonth].Usage);
    }

    [Fact]
    public async Task ApplyAQuotaChangeAtOnceOnTheInstanceThatMadeIt()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        var enforcer = Enforcer(database, clock);
        var quotas = Service(database, clock, enforcer);
        Assert.True(enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, 10_000).Allowed);
        Assert.False(enforcer.Check(tenant, QuotaMetric.ApiRequestsPerMonth).Allowed);

        await quotas.UpdateAsync(Support, tenant, 0, Set(QuotaMetric.ApiRequestsPerMonth, QuotaOverride.To(20_000)), Reason, cancellationToken: Cancellation);
        var raised = enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, 10_000);
        await quotas.ChangePlanAsync(Support, tenant, PlanCatalog.Starter, Reason, 1, cancellationToken: Cancellation);
        var rateOnStarter = enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerSecond, 20);
        await quotas.UpdateAsync(Support, tenant, 2, Set(QuotaMetric.ApiRequestsPerMonth, QuotaOverride.Inherit), Reason, cancellationToken: Cancellation);

        Assert.True(raised.Allowed);
        Assert.Equal(20_000, raised.Limit);
        Assert.True(rateOnStarter.Allowed);
        // Usage counted so far is kept across reloads.
        Assert.Equal((1_000_000L, 20_000L), (enforcer.Check(tenant, QuotaMetric.ApiRequestsPerMonth).Limit!.Value, enforcer.Check(tenant, QuotaMetric.ApiRequestsPerMonth).Used));
    }

    [Fact]
    public async Task NoticeASuspensionAtTheNextRefresh()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Starter);
        var enforcer = Enforcer(database, clock);
        Assert.True(enforcer.Check(tenant, QuotaMetric.ApiRequestsPerSecond).Allowed);

        await SetStatusAsync(database, tenant, TenantStatus.Suspended);
        var beforeRefresh = enforcer.Check(tenant, QuotaMetric.ApiRequestsPerSecond);
        await enforcer.RefreshAsync(cancellationToken: Cancellation);
        var suspended = enforcer.Check(tenant, QuotaMetric.ApiRequestsPerSecond);
        await SetStatusAsync(database, tenant, TenantStatus.Active);
        await enforcer.RefreshAsync(cancellationToken: Cancellation);

        Assert.True(beforeRefresh.Allowed); // cached until the refresh: the documented bound
        Assert.Equal(QuotaDenial.TenantSuspended, suspended.Reason);
        Assert.True(enforcer.Check(tenant, QuotaMetric.ApiRequestsPerSecond).Allowed);
    }

    [Fact]
    public async Task DropIdleTenantsAfterWritingTheirUsage()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        var enforcer = Enforcer(database, clock);
        enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, 40);
        clock.Advance(TimeSpan.FromMinutes(11));

        await enforcer.RefreshAsync(TimeSpan.FromMinutes(10), Cancellation);
        var afterEviction = enforcer.CachedTenants;
        var reloaded = enforcer.Check(tenant, QuotaMetric.ApiRequestsPerMonth);

        Assert.Equal(0, afterEviction);
        Assert.Equal(40, reloaded.Used);
        Assert.Equal(new Dictionary<string, long> { ["2026-03"] = 40 }, await CountersAsync(tenant, QuotaMetric.ApiRequestsPerMonth));
    }

    [Fact]
    public async Task AnswerFromTheCacheWithoutTheDatabase()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        var enforcer = Enforcer(database, clock);
        var first = await enforcer.TryConsumeAsync(tenant, QuotaMetric.ApiRequestsPerMonth, cancellationToken: Cancellation);

        // Delete the tenant behind the cache's back: cached answers do not read the database.
        await using (var db = database.CreateContext())
        {
            await db.Tenants.Where(t => t.Id == tenant).ExecuteDeleteAsync(Cancellation);
        }

        var cached = await enforcer.TryConsumeAsync(tenant, QuotaMetric.ApiRequestsPerMonth, cancellationToken: Cancellation);
        var task = enforcer.CheckAsync(tenant, QuotaMetric.ApiRequestsPerSecond, cancellationToken: Cancellation);

        Assert.True(first.Allowed);
        Assert.True(cached.Allowed);
        Assert.Equal(1, cached.Used);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal(1, enforcer.CachedTenants);
    }

    [Fact]
    public async Task CountConcurrentIncrementsExactly()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Enterprise);
        var now = clock.GetUtcNow().UtcDateTime;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var db = database.CreateContext();
            for (var i = 0; i < 20; i++)
            {
                await UsageCounters.ConsumeAsync(db, tenant, QuotaMetric.TransferBytesPerMonth, "2026-03", 3, now, Cancellation);
            }
        }));

        Assert.Equal(new Dictionary<string, long> { ["2026-03"] = 8 * 20 * 3 }, await CountersAsync(tenant, QuotaMetric.TransferBytesPerMonth));
    }

    private async Task SetCounterAsync(Guid tenant, QuotaMetric metric, long used)
    {
        await using var db = database.CreateContext();
        var now = clock.GetUtcNow().UtcDateTime;
        await UsageCounters.ConsumeAsync(db, tenant, metric, QuotaMetrics.PeriodOf(now), used, now, Cancellation);
    }

    private async Task<Dictionary<string, long>> CountersAsync(Guid tenant, QuotaMetric metric)
    {
        await using var db = database.CreateContext();
        return await db.UsageCounters.Where(c => c.TenantId == tenant && c.Metric == metric).ToDictionaryAsync(c => c.Period, c => c.Used, Cancellation);
    }
}

public sealed class QuotaEnforcerShouldOnPostgres(PostgresDatabase database)
    : QuotaEnforcerShould(database), IClassFixture<PostgresDatabase>;

public sealed class QuotaEnforcerShouldOnSqlite(SqliteDatabase database)
    : QuotaEnforcerShould(database), IClassFixture<SqliteDatabase>;
