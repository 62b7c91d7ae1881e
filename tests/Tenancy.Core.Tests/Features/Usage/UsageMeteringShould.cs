using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;
using static Tenancy.Core.Tests.Features.Quotas.QuotaTestData;

namespace Tenancy.Core.Tests.Features.Usage;

/// <summary>
/// Metering end to end: what the meter and the enforcer count reaches the counters and the minute
/// buckets once, the rollup adds each bucket to its day once (late ones too, reruns nothing), and
/// the charts and the quota pressure read the same numbers. Oracles are plain queries of the buckets.
/// </summary>
public abstract class UsageMeteringShould(TestDatabase database)
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteEachMinutesUsageToItsBucketAndTheMonthsCounter()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Professional);
        var meter = new UsageMeter(database.ContextFactory, clock);

        meter.Record(tenant, QuotaMetric.ApiRequestsPerMonth, 3);
        meter.Record(tenant, QuotaMetric.ApiRequestsPerMonth, 4);
        clock.Advance(TimeSpan.FromSeconds(75));
        meter.Record(tenant, QuotaMetric.ApiRequestsPerMonth, 5);
        meter.Record(tenant, QuotaMetric.TransferBytesPerMonth, 1_000);
        await meter.FlushAsync(Cancellation);

        Assert.Equal(
            [(At(9, 0), QuotaMetric.ApiRequestsPerMonth, 7L), (At(9, 1), QuotaMetric.ApiRequestsPerMonth, 5L), (At(9, 1), QuotaMetric.TransferBytesPerMonth, 1_000L)],
            await BucketsAsync(tenant));
        Assert.Equal(12, await CounterAsync(tenant, QuotaMetric.ApiRequestsPerMonth));
        Assert.Equal(1_000, await CounterAsync(tenant, QuotaMetric.TransferBytesPerMonth));
    }

    [Fact]
    public async Task RefuseToRecordAGaugeOrANegativeAmount()
    {
        var meter = new UsageMeter(database.ContextFactory, clock);

        Assert.Throws<ArgumentOutOfRangeException>(() => meter.Record(Guid.NewGuid(), QuotaMetric.Seats, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => meter.Record(Guid.NewGuid(), QuotaMetric.ApiRequestsPerSecond, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => meter.Record(Guid.NewGuid(), QuotaMetric.ApiRequestsPerMonth, -1));
    }

    [Fact]
    public async Task CountARetriedWriteOnce()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Professional);
        var write = Guid.NewGuid();
        UsageAmount[] amounts = [new(tenant, QuotaMetric.ApiRequestsPerMonth, At(9, 0), 10)];

        var first = await WriteAsync(write, amounts);
        var again = await WriteAsync(write, amounts);

        Assert.True(first);
        Assert.False(again);
        Assert.Equal(10, await CounterAsync(tenant, QuotaMetric.ApiRequestsPerMonth));
        Assert.Single(await BucketsAsync(tenant));
    }

    [Fact]
    public async Task CountAFlushThatCommittedButReportedFailureOnceWhenRetried()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Professional);
        var afterCommit = new FailAfterCommit();
        var meter = new UsageMeter(database.ContextFactoryWith(afterCommit), clock);
        meter.Record(tenant, QuotaMetric.ApiRequestsPerMonth, 42);

        afterCommit.Armed = true;
        await Assert.ThrowsAsync<DbUpdateException>(() => meter.FlushAsync(Cancellation)); // the connection "broke" after the commit
        meter.Record(tenant, QuotaMetric.ApiRequestsPerMonth, 1);
        await meter.FlushAsync(Cancellation);

        Assert.Equal(43, await CounterAsync(tenant, QuotaMetric.ApiRequestsPerMonth));
        Assert.Equal(43, (await BucketsAsync(tenant)).Sum(b => b.Amount));
    }

    [Fact]
    public async Task RollUpBucketsIntoDaysAndHoursThatEqualTheRawSums()
    {
        var tenants = new[] { await CreateTenantAsync(database, PlanCatalog.Professional), await CreateTenantAsync(database, PlanCatalog.Professional) };
        var meter = new UsageMeter(database.ContextFactory, clock);
        var random = new Random(7);
        for (var step = 0; step < 60; step++)
        {
            foreach (var tenant in tenants)
            {
                meter.Record(tenant, QuotaMetric.ApiRequestsPerMonth, random.Next(0, 50));
                meter.Record(tenant, QuotaMetric.TransferBytesPerMonth, random.Next(0, 5_000));
            }

            clock.Advance(TimeSpan.FromMinutes(37)); // across hours and days
            if (step % 7 == 0)
            {
                await meter.FlushAsync(Cancellation);
            }
        }

        await meter.FlushAsync(Cancellation);
        var result = await Rollup().RunAsync(cancellationToken: Cancellation);

        Assert.True(result.Buckets > 0);
        foreach (var tenant in tenants)
        {
            Assert.Equal(await RawSumsAsync(tenant), await DaySumsAsync(tenant));
        }

        Assert.Equal(0, await PendingAsync());
    }

    [Fact]
    public async Task AddALateBucketToItsOwnDayAndRollNothingTwice()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Professional);
        await WriteAsync(Guid.NewGuid(), [new(tenant, QuotaMetric.ApiRequestsPerMonth, At(9, 0), 10)]);
        var rollup = Rollup();
        await rollup.RunAsync(cancellationToken: Cancellation);

        // A write that arrives late: usage of two days ago, after that day was rolled up.
        await WriteAsync(Guid.NewGuid(), [new(tenant, QuotaMetric.ApiRequestsPerMonth, At(9, 0).AddDays(-2).AddHours(5), 7)]);
        var second = await rollup.RunAsync(cancellationToken: Cancellation);
        var third = await rollup.RunAsync(cancellationToken: Cancellation);

        Assert.Equal(1, second.Buckets);
        Assert.Equal(0, third.Buckets);
        Assert.Equal(await RawSumsAsync(tenant), await DaySumsAsync(tenant));
        var days = await DaysAsync(tenant, QuotaMetric.ApiRequestsPerMonth);
        Assert.Equal([(At(9, 0).Date.AddDays(-2), 7L), (At(9, 0).Date, 10L)], days.Select(d => (d.Day, d.Amount)));
        Assert.Equal(7, days[0].Hours[14]);
    }

    [Fact]
    public async Task ShowInTheChartWhatTheEnforcerCountedThisMonth()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Professional);
        var meter = new UsageMeter(database.ContextFactory, clock);
        var enforcer = Enforcer(database, clock, meter);
        for (var i = 0; i < 40; i++)
        {
            Assert.True(enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, 3).Allowed);
            meter.Record(tenant, QuotaMetric.ApiRequestsPerMonth, 2);
            clock.Advance(TimeSpan.FromMinutes(31));
            if (i == 20)
            {
                await enforcer.RefreshAsync(cancellationToken: Cancellation);
                await Rollup().RunAsync(cancellationToken: Cancellation); // part rolled up, the rest still buckets
            }
        }

        await enforcer.RefreshAsync(cancellationToken: Cancellation);
        var used = enforcer.Check(tenant, QuotaMetric.ApiRequestsPerMonth).Used;

        foreach (var range in UsageRanges.All)
        {
            var chart = await Charts().ReadAsync(tenant, QuotaMetric.ApiRequestsPerMonth, range, Cancellation);
            Assert.NotNull(chart);
            Assert.Equal(200, used);
            Assert.Equal(used, chart.UsedNow);
            Assert.Equal(used, chart.Points[^1].MonthToDate);
            Assert.Equal(used, chart.Points.Sum(p => p.Used));
            Assert.InRange(chart.Points.Count, 1, UsageCharts.MaxPoints);
        }
    }

    [Fact]
    public async Task StepTheQuotaLineWhereStaffChangedTheLimit()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        var service = Service(database, clock);
        clock.Advance(TimeSpan.FromHours(2));
        var quotas = await service.GetAsync(tenant, Cancellation);
        await service.UpdateAsync(Admin, tenant, quotas!.Version, Set(QuotaMetric.ApiRequestsPerMonth, QuotaOverride.To(50_000)), Reason, cancellationToken: Cancellation);
        var changedAt = clock.GetUtcNow().UtcDateTime;
        clock.Advance(TimeSpan.FromHours(1));

        var chart = await Charts().ReadAsync(tenant, QuotaMetric.ApiRequestsPerMonth, UsageRange.Week, Cancellation);

        Assert.NotNull(chart);
        Assert.Equal([10_000L, 50_000L], chart.QuotaSteps.Select(s => s.Limit!.Value));
        Assert.Equal(changedAt, chart.QuotaSteps[1].From);
        var marker = Assert.Single(chart.QuotaChanges);
        Assert.Equal((Admin.Name, 10_000L, 50_000L, Reason), (marker.Actor, marker.Before!.Value, marker.After!.Value, marker.Reason));
        Assert.Equal(50_000, chart.Limit);
    }

    [Fact]
    public async Task ProjectWhenTheQuotaRunsOutAtTheRecentRate()
    {
        // 10,000 a month on Free; 1,000 a day for the last six days and nine hours.
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        for (var day = 6; day >= 0; day--)
        {
            var at = At(9, 0).Date.AddDays(-day);
            await WriteAsync(Guid.NewGuid(), [new(tenant, QuotaMetric.ApiRequestsPerMonth, day == 0 ? at.AddHours(8) : at.AddHours(12), 1_000)]);
        }

        await Rollup().RunAsync(cancellationToken: Cancellation);
        var chart = await Charts().ReadAsync(tenant, QuotaMetric.ApiRequestsPerMonth, UsageRange.Month, Cancellation);

        // 7,000 used of 10,000 at 7,000 / 6.375 days a day: 3,000 more take 2.73 days.
        Assert.NotNull(chart);
        Assert.Equal(7_000, chart.UsedNow);
        var expected = At(9, 0).AddDays(3_000 / (7_000 / 6.375));
        Assert.Equal(expected, chart.ProjectedExhaustion!.Value, TimeSpan.FromSeconds(1));

        await using var db = database.CreateContext();
        var pressure = await db.QuotaPressure.SingleAsync(p => p.TenantId == tenant && p.Metric == QuotaMetric.ApiRequestsPerMonth, Cancellation);
        Assert.Equal((7_000L, 10_000L, 0.7), (pressure.Used, pressure.Limit, pressure.Ratio));
        Assert.Equal(expected, pressure.ProjectedAt!.Value, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task SnapshotTheGaugesOfTenantsWhoseDataChanged()
    {
        // The change log's times are the database's, so this test's clock starts at the real time.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free, members: 2, projects: 1);
        var gauges = new UsageGauges(database.ContextFactory, [new QuotaPressureUpdater()], clock);
        await gauges.SnapshotChangedAsync(Cancellation); // the watermark starts here
        clock.Advance(TimeSpan.FromHours(1));
        await AddDataAsync(database, tenant, members: 1);
        clock.Advance(TimeSpan.FromHours(1));

        var counted = await gauges.SnapshotChangedAsync(Cancellation);
        var again = await gauges.SnapshotChangedAsync(Cancellation);

        Assert.True(counted >= 1);
        Assert.Equal(0, again);
        var chart = await new UsageCharts(database.ContextFactory, gauges, clock).ReadAsync(tenant, QuotaMetric.Seats, UsageRange.Day, Cancellation);
        Assert.NotNull(chart);
        Assert.True(chart.IsGauge);
        Assert.Equal(3, chart.UsedNow);
        Assert.Equal(3, chart.Points[^1].Used);
        await using var db = database.CreateContext();
        var seats = await db.QuotaPressure.SingleAsync(p => p.TenantId == tenant && p.Metric == QuotaMetric.Seats, Cancellation);
        Assert.Equal((3L, 3L, 1.0), (seats.Used, seats.Limit, seats.Ratio));
    }

    [Fact]
    public async Task CountManyTenantsGaugesAsEachIsCountedAlone()
    {
        Guid[] tenants =
        [
            await CreateTenantAsync(database, PlanCatalog.Free, members: 2, projects: 1, itemSizes: [100, 250]),
            await CreateTenantAsync(database, PlanCatalog.Free),
            await CreateTenantAsync(database, PlanCatalog.Free, members: 1),
        ];
        await using var db = database.CreateContext();

        var many = await TenantDataUsage.ReadManyAsync(db, tenants, Cancellation);

        // The oracle: the enforcer's count of one tenant and metric.
        foreach (var tenant in tenants)
        {
            foreach (var metric in QuotaMetrics.Gauges)
            {
                Assert.Equal(await TenantDataUsage.ReadAsync(db, tenant, metric, Cancellation), many.GetValueOrDefault((tenant, metric)));
            }
        }
    }

    [Fact]
    public async Task DropUsagePastItsRetention()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Professional);
        await WriteAsync(Guid.NewGuid(), [
            new(tenant, QuotaMetric.ApiRequestsPerMonth, At(9, 0).AddDays(-500), 1),
            new(tenant, QuotaMetric.ApiRequestsPerMonth, At(9, 0).AddDays(-40), 2),
            new(tenant, QuotaMetric.ApiRequestsPerMonth, At(9, 0), 3)]);
        var rollup = Rollup();
        await rollup.RunAsync(cancellationToken: Cancellation);
        clock.Advance(TimeSpan.FromDays(4));

        var (buckets, hours, days) = await rollup.PurgeAsync(Cancellation);

        // Counts are of the whole database (other tests' rows too): at least this tenant's.
        Assert.True(buckets >= 3 && hours >= 1 && days >= 1, $"{buckets} buckets, {hours} hours, {days} days purged");
        Assert.Empty(await BucketsAsync(tenant));
        var left = await DaysAsync(tenant, QuotaMetric.ApiRequestsPerMonth);
        Assert.Equal([2L, 3L], left.Select(d => d.Amount));
        Assert.All(left[0].Hours, h => Assert.Null(h));
        Assert.Equal(3, left[1].Hours[9]);
    }

    [Fact]
    public async Task ListTheTenantsClosestToTheirLimitsFirst()
    {
        var low = await CreateTenantAsync(database, PlanCatalog.Free);
        var high = await CreateTenantAsync(database, PlanCatalog.Free);
        var over = await CreateTenantAsync(database, PlanCatalog.Free);
        await WriteAsync(Guid.NewGuid(), [
            new(low, QuotaMetric.ApiRequestsPerMonth, At(9, 0), 1_000),
            new(high, QuotaMetric.ApiRequestsPerMonth, At(9, 0), 9_000),
            new(over, QuotaMetric.ApiRequestsPerMonth, At(9, 0), 12_000)]);
        await Rollup().RunAsync(cancellationToken: Cancellation);

        var top = await new Tenancy.Core.Features.Fleet.FleetOverview(database.ContextFactory, new Tenancy.Core.Features.Tenants.TenantCatalog(database.ContextFactory, clock), clock)
            .TopPressureAsync(1_000, Cancellation);

        // The oracle: every pressure row, ordered in memory.
        await using var db = database.CreateContext();
        var all = (await db.QuotaPressure.AsNoTracking().ToListAsync(Cancellation))
            .Where(p => p.Used > 0)
            .OrderByDescending(p => p.Ratio).ThenBy(p => p.TenantId).ThenBy(p => p.Metric)
            .Select(p => (p.TenantId, p.Metric)).ToList();
        Assert.Equal(all, top.Select(t => (t.TenantId, t.Metric)));
        var mine = top.Where(t => t.Metric == QuotaMetric.ApiRequestsPerMonth && (t.TenantId == low || t.TenantId == high || t.TenantId == over))
            .Select(t => t.TenantId).ToList();
        Assert.Equal([over, high, low], mine);
    }

    [Fact]
    public void RecordWithoutAllocatingOnceTheTenantIsKnown()
    {
        var meter = new UsageMeter(database.ContextFactory, clock);
        var tenant = Guid.NewGuid();
        meter.Record(tenant, QuotaMetric.ApiRequestsPerMonth, 1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            meter.Record(tenant, QuotaMetric.ApiRequestsPerMonth, 1);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static DateTime At(int hour, int minute) => new(2026, 3, 10, hour, minute, 0, DateTimeKind.Utc);

    private UsageRollup Rollup() =>
        new(database.ContextFactory, [new QuotaPressureUpdater()], Options.Create(new UsageOptions()), clock);

    private UsageCharts Charts() =>
        new(database.ContextFactory, new UsageGauges(database.ContextFactory, [new QuotaPressureUpdater()], clock), clock);

    private async Task<bool> WriteAsync(Guid id, IReadOnlyCollection<UsageAmount> amounts)
    {
        await using var db = database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(Cancellation);
        var written = await UsageWriter.WriteAsync(db, id, amounts, clock.GetUtcNow().UtcDateTime, Cancellation);
        await transaction.CommitAsync(Cancellation);
        return written;
    }

    private async Task<List<(DateTime Minute, QuotaMetric Metric, long Amount)>> BucketsAsync(Guid tenant)
    {
        await using var db = database.CreateContext();
        return [.. (await db.UsageBuckets.Where(b => b.TenantId == tenant).ToListAsync(Cancellation))
            .OrderBy(b => b.Minute).ThenBy(b => b.Metric).Select(b => (b.Minute, b.Metric, b.Amount))];
    }

    private async Task<long> CounterAsync(Guid tenant, QuotaMetric metric)
    {
        await using var db = database.CreateContext();
        return await db.UsageCounters.Where(c => c.TenantId == tenant && c.Metric == metric).SumAsync(c => c.Used, Cancellation);
    }

    private async Task<int> PendingAsync()
    {
        await using var db = database.CreateContext();
        return await db.UsageBuckets.CountAsync(b => b.RolledUpAt == null, Cancellation);
    }

    private async Task<List<UsageDayValues>> DaysAsync(Guid tenant, QuotaMetric metric)
    {
        await using var db = database.CreateContext();
        return await UsageDays.ReadAsync(db, tenant, metric, DateTime.MinValue, DateTime.MaxValue.Date, withHours: true, Cancellation);
    }

    /// <summary>The oracle: the buckets summed per metric, day and hour by a plain query.</summary>
    private async Task<Dictionary<(QuotaMetric, DateTime, int), long>> RawSumsAsync(Guid tenant)
    {
        await using var db = database.CreateContext();
        var buckets = await db.UsageBuckets.Where(b => b.TenantId == tenant).ToListAsync(Cancellation);
        return buckets.GroupBy(b => (b.Metric, b.Minute.Date, b.Minute.Hour)).ToDictionary(g => g.Key, g => g.Sum(b => b.Amount));
    }

    private async Task<Dictionary<(QuotaMetric, DateTime, int), long>> DaySumsAsync(Guid tenant)
    {
        var sums = new Dictionary<(QuotaMetric, DateTime, int), long>();
        foreach (var metric in QuotaMetrics.Monthly)
        {
            foreach (var day in await DaysAsync(tenant, metric))
            {
                Assert.Equal(day.Amount, day.Hours.Sum(h => h ?? 0));
                for (var h = 0; h < UsageDay.Hours; h++)
                {
                    if (day.Hours[h] is { } amount)
                    {
                        sums[(metric, day.Day, h)] = amount;
                    }
                }
            }
        }

        return sums;
    }

    /// <summary>Throws once, armed, after a transaction commits: the commit happened, the caller is told it failed.</summary>
    private sealed class FailAfterCommit : DbTransactionInterceptor
    {
        public bool Armed { get; set; }

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (Armed)
            {
                Armed = false;
                throw new DbUpdateException("The connection broke after the commit.");
            }

            return Task.CompletedTask;
        }
    }
}

public sealed class UsageMeteringShouldOnPostgres(PostgresDatabase database)
    : UsageMeteringShould(database), IClassFixture<PostgresDatabase>;

public sealed class UsageMeteringShouldOnSqlite(SqliteDatabase database)
    : UsageMeteringShould(database), IClassFixture<SqliteDatabase>;
