using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;
using static Tenancy.Core.Tests.Features.Quotas.QuotaTestData;

namespace Tenancy.Core.Tests.Features.Usage;

/// <summary>
/// Every case of <see cref="UsageIngestShould"/> on PostgreSQL (and on Citus in CI), and what only
/// a server with concurrent writers shows: the same events sent at once count once.
/// </summary>
public sealed class UsageIngestShouldOnPostgres(PostgresDatabase database)
    : UsageIngestShould(database), IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task CountEventsSentByConcurrentRequestsOnce()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 5, 14, 30, 20, TimeSpan.Zero));
        var keys = new UsageApiKeys(database.ContextFactory, new AuditLog(database.ContextFactory, clock), clock);
        var key = (await keys.CreateAsync(Admin, "Concurrent sender", null, cancellation)).Key.Id;
        var tenants = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            tenants.Add(await CreateTenantAsync(database));
        }

        var ingest = new UsageIngest(database.ContextFactory, Microsoft.Extensions.Options.Options.Create(new UsageOptions()), clock);
        // 200 events; eight senders each send all of them, in different orders, at once.
        var events = Enumerable.Range(0, 200)
            .Select(i => new UsageEventInput { Id = $"c-{i}", TenantId = tenants[i % tenants.Count].ToString(), Metric = nameof(QuotaMetric.ApiRequestsPerMonth), Amount = 1 })
            .ToList();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(s => Task.Run(
            () => ingest.IngestAsync(key, [.. events.OrderBy(e => (e.Id!.GetHashCode(StringComparison.Ordinal) ^ s) & 0xff)], cancellation), cancellation)));

        Assert.Equal(200, results.Sum(r => r.Accepted));
        Assert.Equal(7 * 200, results.Sum(r => r.Duplicates));
        await using var db = database.CreateContext();
        var used = await db.UsageCounters.Where(c => tenants.Contains(c.TenantId)).SumAsync(c => c.Used, cancellation);
        Assert.Equal(200, used);
        Assert.Equal(200, await db.UsageIngestIds.CountAsync(i => i.ApiKeyId == key, cancellation));
    }
}
