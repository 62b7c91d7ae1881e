using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data.Seeding;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Data;

/// <summary>
/// The demo's usage past: the charts are full on first run, the counters the enforcer reads are
/// the sums of the days the charts read, the gauges end at what the tenants' data holds, a few
/// quotas were raised (audited) in the period, and the pressure table knows who is close.
/// </summary>
public abstract class DemoUsageShould(TestDatabase database) : IAsyncLifetime
{
    private const int Tenants = 400;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => new(database.SeedOnceAsync("demo-usage", async (_, cancellationToken) =>
        await new DemoDataSeeder(database.ContextFactory, TimeProvider.System).SeedAsync(Tenants, cancellationToken, usageTenants: 100), Cancellation));

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task GiveTheShowcaseAndTheChosenTenantsNinetyDaysOfUsage()
    {
        await using var db = database.CreateContext();
        var tenants = await db.UsageDays.Where(d => d.Metric == QuotaMetric.ApiRequestsPerMonth).Select(d => d.TenantId).Distinct().CountAsync(Cancellation);
        var acme = await db.Tenants.SingleAsync(t => t.Slug == DemoShowcase.AcmeImports.Slug, Cancellation);
        var days = await db.UsageDays.CountAsync(d => d.TenantId == acme.Id && d.Metric == QuotaMetric.ApiRequestsPerMonth, Cancellation);

        Assert.Equal(100 + DemoShowcase.All.Count, tenants);
        Assert.Equal(DemoUsageSeeder.Days, days);
    }

    [Fact]
    public async Task SetEachMonthsCountersToTheSumOfItsDays()
    {
        await using var db = database.CreateContext();
        var days = await db.UsageDays.AsNoTracking().Where(d => d.Metric == QuotaMetric.ApiRequestsPerMonth || d.Metric == QuotaMetric.TransferBytesPerMonth)
            .Select(d => new { d.TenantId, d.Metric, d.Day, d.Amount }).ToListAsync(Cancellation);
        var sums = days.GroupBy(d => (d.TenantId, d.Metric, QuotaMetrics.PeriodOf(d.Day))).ToDictionary(g => g.Key, g => g.Sum(d => d.Amount));
        var counters = (await db.UsageCounters.AsNoTracking().ToListAsync(Cancellation)).ToDictionary(c => (c.TenantId, c.Metric, c.Period), c => c.Used);

        Assert.Equal(sums.OrderBy(s => s.Key), counters.OrderBy(c => c.Key));
    }

    [Fact]
    public async Task DrawTheShowcaseTenantsChartsFromTheSeed()
    {
        await using var db = database.CreateContext();
        var acme = await db.Tenants.SingleAsync(t => t.Slug == DemoShowcase.AcmeImports.Slug, Cancellation);
        var charts = new UsageCharts(database.ContextFactory, new UsageGauges(database.ContextFactory, [new QuotaPressureUpdater()], TimeProvider.System), TimeProvider.System);

        var requests = await charts.ReadAsync(acme.Id, QuotaMetric.ApiRequestsPerMonth, UsageRange.Quarter, Cancellation);
        var storage = await charts.ReadFreshAsync(acme.Id, QuotaMetric.StorageBytes, UsageRange.Quarter, Cancellation);

        Assert.NotNull(requests);
        Assert.False(requests.IsEmpty);
        Assert.True(requests.Points.Count(p => p.Used > 0) >= 85);
        Assert.NotNull(storage);
        var stored = await db.ProjectItems.Where(i => i.TenantId == acme.Id).SumAsync(i => i.SizeBytes, Cancellation);
        Assert.Equal(stored, storage.UsedNow);
    }

    [Fact]
    public async Task RaiseSomeQuotasInThePeriodAsAuditedChanges()
    {
        await using var db = database.CreateContext();
        var changes = await db.AuditLog.AsNoTracking().Where(e => e.Action == QuotaService.QuotaChangedAction && e.ActorSubject == "demo-seed").ToListAsync(Cancellation);

        Assert.NotEmpty(changes);
        Assert.All(changes, c => Assert.True(c.OccurredAt < DateTime.UtcNow.AddDays(-9) && c.OccurredAt > DateTime.UtcNow.AddDays(-61)));
        var chart = await new UsageCharts(database.ContextFactory, new UsageGauges(database.ContextFactory, [new QuotaPressureUpdater()], TimeProvider.System), TimeProvider.System)
            .ReadAsync(changes[0].TenantId!.Value, QuotaMetric.ApiRequestsPerMonth, UsageRange.Quarter, Cancellation);
        Assert.NotNull(chart);
        var marker = Assert.Single(chart.QuotaChanges);
        Assert.Equal(marker.Before * 2, marker.After);
        Assert.Equal(2, chart.QuotaSteps.Count);
    }

    [Fact]
    public async Task KnowWhichTenantsAreClosestToTheirLimits()
    {
        await using var db = database.CreateContext();
        var pressure = await db.QuotaPressure.AsNoTracking().ToListAsync(Cancellation);

        Assert.NotEmpty(pressure);
        Assert.All(pressure, p => Assert.Equal((double)p.Used / p.Limit, p.Ratio, 9));
        Assert.Contains(pressure, p => p.Ratio > 0.5);
    }
}

public sealed class DemoUsageShouldOnPostgres(PostgresDatabase database)
    : DemoUsageShould(database), IClassFixture<PostgresDatabase>;

public sealed class DemoUsageShouldOnSqlite(SqliteDatabase database)
    : DemoUsageShould(database), IClassFixture<SqliteDatabase>;
