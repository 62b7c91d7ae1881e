using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;
using static Tenancy.Core.Tests.Features.Quotas.QuotaTestData;

namespace Tenancy.Core.Tests.Features.Usage;

/// <summary>Several rollup workers on one PostgreSQL database take different buckets and never count one twice.</summary>
public sealed class UsageRollupWorkersShouldOnPostgres(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NeverDoubleCountWhileRunningTogether()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));
        var tenants = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            tenants.Add(await CreateTenantAsync(database, PlanCatalog.Starter));
        }

        var random = new Random(11);
        var start = new DateTime(2026, 3, 8, 0, 0, 0, DateTimeKind.Utc);
        for (var write = 0; write < 10; write++)
        {
            var amounts = Enumerable.Range(0, 500)
                .Select(_ => new UsageAmount(tenants[random.Next(tenants.Count)], QuotaMetric.ApiRequestsPerMonth, start.AddMinutes(random.Next(3 * 24 * 60)), random.Next(1, 100)))
                .ToList();
            await using var db = database.CreateContext();
            await using var transaction = await db.Database.BeginTransactionAsync(Cancellation);
            await UsageWriter.WriteAsync(db, Guid.NewGuid(), amounts, clock.GetUtcNow().UtcDateTime, Cancellation);
            await transaction.CommitAsync(Cancellation);
        }

        int waiting;
        await using (var db = database.CreateContext())
        {
            waiting = await db.UsageBuckets.CountAsync(b => b.RolledUpAt == null, Cancellation);
        }

        // Four workers, small batches, each until it finds nothing to take.
        var rollup = new UsageRollup(database.ContextFactory, [new QuotaPressureUpdater()], Options.Create(new UsageOptions()), clock);
        var taken = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var mine = 0;
            while (true)
            {
                var batch = await rollup.RollBatchAsync(97, Cancellation);
                if (batch.Buckets == 0)
                {
                    return mine;
                }

                mine += batch.Buckets;
            }
        }, Cancellation)));

        Assert.Equal(waiting, taken.Sum());
        Assert.True(taken.Count(n => n > 0) > 1, $"only one worker took buckets: {string.Join(", ", taken)}");
        await using var check = database.CreateContext();
        var raw = (await check.UsageBuckets.Where(b => tenants.Contains(b.TenantId)).ToListAsync(Cancellation))
            .GroupBy(b => (b.TenantId, b.Minute.Date)).ToDictionary(g => g.Key, g => g.Sum(b => b.Amount));
        var days = (await check.UsageDays.Where(d => tenants.Contains(d.TenantId)).ToListAsync(Cancellation))
            .ToDictionary(d => (d.TenantId, d.Day), d => d.Amount);
        Assert.Equal(raw.OrderBy(r => r.Key), days.OrderBy(d => d.Key));
    }
}
