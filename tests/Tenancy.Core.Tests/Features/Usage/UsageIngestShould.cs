using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;
using static Tenancy.Core.Tests.Features.Quotas.QuotaTestData;

namespace Tenancy.Core.Tests.Features.Usage;

/// <summary>
/// Usage events through <see cref="UsageIngest"/>: each counted once however often it is sent,
/// into the counters the enforcer reads and the minute buckets the charts read; a bad batch
/// refused whole, naming its first bad event, with nothing stored.
/// </summary>
public abstract class UsageIngestShould(TestDatabase database)
{
    private const string Requests = nameof(QuotaMetric.ApiRequestsPerMonth);
    private const string Transfer = nameof(QuotaMetric.TransferBytesPerMonth);

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 5, 14, 30, 20, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private UsageOptions Options { get; } = new() { MaxIngestBatch = 10 };

    private UsageIngest Ingest => new(database.ContextFactory, Microsoft.Extensions.Options.Options.Create(Options), clock);

    [Fact]
    public async Task CountAnEventOnceHoweverOftenItIsSent()
    {
        var key = await CreateKeyAsync();
        var tenant = await CreateTenantAsync(database);
        UsageEventInput[] batch = [Event("evt-1", tenant, Requests, 7)];

        var results = new List<UsageIngestResult>();
        for (var i = 0; i < 10; i++)
        {
            results.Add(await Ingest.IngestAsync(key, batch, Cancellation));
        }

        Assert.Equal(new UsageIngestResult(1, 0), results[0]);
        Assert.All(results.Skip(1), r => Assert.Equal(new UsageIngestResult(0, 1), r));
        Assert.Equal(7, await CounterAsync(tenant, QuotaMetric.ApiRequestsPerMonth));
        Assert.Equal([(QuotaMetric.ApiRequestsPerMonth, Minute(Now), 7L)], await BucketsAsync(tenant));
        Assert.Equal(["evt-1"], await IdsAsync(key));
    }

    [Fact]
    public async Task CountAnIdRepeatedWithinABatchOnce()
    {
        var key = await CreateKeyAsync();
        var tenant = await CreateTenantAsync(database);

        var result = await Ingest.IngestAsync(key,
            [Event("a", tenant, Requests, 1), Event("b", tenant, Requests, 2), Event("a", tenant, Requests, 1), Event("a", tenant, Requests, 1)],
            Cancellation);

        Assert.Equal(new UsageIngestResult(2, 2), result);
        Assert.Equal(3, await CounterAsync(tenant, QuotaMetric.ApiRequestsPerMonth));
    }

    [Fact]
    public async Task CountTheSameIdSentWithAnotherKeyAsAnotherEvent()
    {
        var (first, second) = (await CreateKeyAsync(), await CreateKeyAsync());
        var tenant = await CreateTenantAsync(database);

        await Ingest.IngestAsync(first, [Event("shared", tenant, Requests, 5)], Cancellation);
        var result = await Ingest.IngestAsync(second, [Event("shared", tenant, Requests, 5)], Cancellation);

        Assert.Equal(new UsageIngestResult(1, 0), result);
        Assert.Equal(10, await CounterAsync(tenant, QuotaMetric.ApiRequestsPerMonth));
    }

    [Fact]
    public async Task WriteEachEventToTheMinuteAndMonthOfItsTimestamp()
    {
        var key = await CreateKeyAsync();
        var tenant = await CreateTenantAsync(database);
        var lastMonth = new DateTime(2026, 10, 31, 23, 59, 40, DateTimeKind.Utc);

        var result = await Ingest.IngestAsync(key,
        [
            Event("r1", tenant, Requests, 3),
            Event("r2", tenant, Requests, 4, "2026-11-05T14:30:01Z"),
            Event("t1", tenant, Transfer, 1_000_000, "2026-11-05T15:10:59+01:00"), // 14:10:59 UTC
            Event("r3", tenant, Requests, 5, "2026-10-31T23:59:40.5Z"),
            Event("zero", tenant, Requests, 0),
        ], Cancellation);

        Assert.Equal(new UsageIngestResult(5, 0), result);
        Assert.Equal(7, await CounterAsync(tenant, QuotaMetric.ApiRequestsPerMonth));
        Assert.Equal(5, await CounterAsync(tenant, QuotaMetric.ApiRequestsPerMonth, "2026-10"));
        Assert.Equal(1_000_000, await CounterAsync(tenant, QuotaMetric.TransferBytesPerMonth));
        Assert.Equal(
            [
                (QuotaMetric.ApiRequestsPerMonth, Minute(lastMonth), 5L),
                (QuotaMetric.ApiRequestsPerMonth, Minute(Now), 7L),
                (QuotaMetric.TransferBytesPerMonth, new DateTime(2026, 11, 5, 14, 10, 0, DateTimeKind.Utc), 1_000_000L),
            ],
            await BucketsAsync(tenant));
    }

    public static TheoryData<string, string> BadEvents() => new()
    {
        { "null", "the event is null" },
        { "no-id", "\"id\" is missing" },
        { "long-id", "at most 100" },
        { "no-tenant", "\"tenantId\" is missing" },
        { "bad-tenant", "is not a UUID" },
        { "unknown-tenant", "no tenant has the id" },
        { "deleted-tenant", "is deleted" },
        { "no-metric", "\"metric\" is missing" },
        { "unknown-metric", "\"ApiRequests\" is not a known metric" },
        { "snake-metric", "\"api_requests_per_month\" is not a known metric" },
        { "gauge-metric", "Seats is not counted by events" },
        { "rate-metric", "ApiRequestsPerSecond is not counted by events" },
        { "no-amount", "\"amount\" is missing" },
        { "negative-amount", "must not be negative" },
        { "huge-amount", "more than the largest limit" },
        { "future", "in the future" },
        { "too-old", "older than the 7 days" },
        { "no-offset", "is not an ISO-8601 time with Z or an offset" },
        { "not-a-time", "is not an ISO-8601 time" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task RefuseABatchWithABadEventNamingItAndStoreNothing(string fault, string reason)
    {
        var key = await CreateKeyAsync();
        var tenant = await CreateTenantAsync(database);
        var deleted = await CreateTenantAsync(database, status: TenantStatus.Deleted);
        var good = Event("good-" + fault, tenant, Requests, 1);
        var bad = fault switch
        {
            "null" => null,
            "no-id" => Event("", tenant, Requests, 1),
            "long-id" => Event(new string('x', 101), tenant, Requests, 1),
            "no-tenant" => Event("bad", null, Requests, 1),
            "bad-tenant" => new UsageEventInput { Id = "bad", TenantId = "acme", Metric = Requests, Amount = 1 },
            "unknown-tenant" => Event("bad", Guid.CreateVersion7(), Requests, 1),
            "deleted-tenant" => Event("bad", deleted, Requests, 1),
            "no-metric" => Event("bad", tenant, null, 1),
            "unknown-metric" => Event("bad", tenant, "ApiRequests", 1),
            "snake-metric" => Event("bad", tenant, "api_requests_per_month", 1),
            "gauge-metric" => Event("bad", tenant, "Seats", 1),
            "rate-metric" => Event("bad", tenant, "ApiRequestsPerSecond", 1),
            "no-amount" => new UsageEventInput { Id = "bad", TenantId = tenant.ToString(), Metric = Requests },
            "negative-amount" => Event("bad", tenant, Requests, -1),
            "huge-amount" => Event("bad", tenant, Requests, QuotaMetrics.All[(int)QuotaMetric.ApiRequestsPerMonth].MaxLimit + 1),
            "future" => Event("bad", tenant, Requests, 1, "2026-11-05T14:35:21Z"),
            "too-old" => Event("bad", tenant, Requests, 1, "2026-10-29T14:30:00Z"),
            "no-offset" => Event("bad", tenant, Requests, 1, "2026-11-05T14:30:00"),
            "not-a-time" => Event("bad", tenant, Requests, 1, "yesterday"),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<UsageIngestRejectedException>(() => Ingest.IngestAsync(key, [good, bad, good], Cancellation));

        Assert.Equal(1, refused.Problem.Index);
        Assert.Equal(fault switch { "null" => null, "no-id" => "", "long-id" => new string('x', 100) + "…", _ => "bad" }, refused.Problem.EventId);
        Assert.Contains(reason, refused.Problem.Reason, StringComparison.Ordinal);
        Assert.StartsWith("Event 1", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task AcceptTheEdgesOfTheTimeWindowAndTheIdLength()
    {
        var key = await CreateKeyAsync();
        var tenant = await CreateTenantAsync(database);

        var result = await Ingest.IngestAsync(key,
        [
            Event(new string('i', 100), tenant, Requests, 1),
            Event("soon", tenant, Requests, 1, "2026-11-05T14:35:20Z"),
            Event("old", tenant, Requests, 1, "2026-10-29T14:30:21Z"),
        ], Cancellation);

        Assert.Equal(new UsageIngestResult(3, 0), result);
    }

    [Theory]
    [InlineData(0, "empty")]
    [InlineData(11, "at most 10")]
    public async Task RefuseAnEmptyOrOversizedBatch(int size, string reason)
    {
        var key = await CreateKeyAsync();
        var tenant = await CreateTenantAsync(database);
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<UsageIngestRejectedException>(() =>
            Ingest.IngestAsync(key, [.. Enumerable.Range(0, size).Select(i => Event($"e{i}", tenant, Requests, 1))], Cancellation));

        Assert.Null(refused.Problem.Index);
        Assert.Contains(reason, refused.Problem.Reason, StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync());
        await Assert.ThrowsAsync<UsageIngestRejectedException>(() => Ingest.IngestAsync(key, null, Cancellation));
    }

    [Fact]
    public async Task NameTheFirstBadEventWhenSeveralAreBad()
    {
        var key = await CreateKeyAsync();
        var tenant = await CreateTenantAsync(database);
        var unknown = Guid.CreateVersion7();

        var tenantFirst = await Assert.ThrowsAsync<UsageIngestRejectedException>(() => Ingest.IngestAsync(key,
            [Event("ok", tenant, Requests, 1), Event("who", unknown, Requests, 1), Event("neg", tenant, Requests, -5)], Cancellation));
        var fieldFirst = await Assert.ThrowsAsync<UsageIngestRejectedException>(() => Ingest.IngestAsync(key,
            [Event("ok", tenant, Requests, 1), Event("neg", tenant, Requests, -5), Event("who", unknown, Requests, 1)], Cancellation));

        Assert.Equal((1, "who"), (tenantFirst.Problem.Index!.Value, tenantFirst.Problem.EventId!));
        Assert.Equal((1, "neg"), (fieldFirst.Problem.Index!.Value, fieldFirst.Problem.EventId!));
    }

    [Fact]
    public async Task PurgeIdsPastTheirRetentionAndKeepTheRest()
    {
        var key = await CreateKeyAsync();
        var tenant = await CreateTenantAsync(database);
        await Ingest.IngestAsync(key, [Event("old-1", tenant, Requests, 1), Event("old-2", tenant, Requests, 1)], Cancellation);
        clock.Advance(TimeSpan.FromDays(6));
        await Ingest.IngestAsync(key, [Event("recent", tenant, Requests, 1)], Cancellation);
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        var purged = await Ingest.PurgeIdsAsync(batchSize: 1, Cancellation);

        Assert.True(purged >= 2, $"purged {purged}"); // and what the class's other tests sent at the start
        Assert.Equal(["recent"], await IdsAsync(key));
        Assert.Equal(new UsageIngestResult(0, 1), await Ingest.IngestAsync(key, [Event("recent", tenant, Requests, 1)], Cancellation));
    }

    [Fact]
    public void RefuseOptionsThatWouldCountAReSentEventTwice()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Usage:MaxEventAge"] = "8.00:00:00", ["Usage:IngestIdRetention"] = "7.00:00:00" })
            .Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddTenancyUsage().BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<UsageOptions>>().Value);

        Assert.Contains("would count twice", refused.Message, StringComparison.Ordinal);
    }

    private static UsageEventInput Event(string id, Guid? tenant, string? metric, long amount, string? timestamp = null) =>
        new() { Id = id, TenantId = tenant?.ToString(), Metric = metric, Amount = amount, Timestamp = timestamp };

    private static DateTime Minute(DateTime at) => UsageWriter.TruncateToMinute(at);

    private async Task<Guid> CreateKeyAsync()
    {
        var keys = new UsageApiKeys(database.ContextFactory, new AuditLog(database.ContextFactory, clock), clock);
        return (await keys.CreateAsync(Admin, "Ingest test " + Guid.NewGuid().ToString("N")[..6], null, Cancellation)).Key.Id;
    }

    private async Task<long> CounterAsync(Guid tenant, QuotaMetric metric, string period = "2026-11")
    {
        await using var db = database.CreateContext();
        return await db.UsageCounters.Where(c => c.TenantId == tenant && c.Metric == metric && c.Period == period).Select(c => c.Used).SingleOrDefaultAsync(Cancellation);
    }

    private async Task<List<(QuotaMetric, DateTime, long)>> BucketsAsync(Guid tenant)
    {
        await using var db = database.CreateContext();
        var rows = await db.UsageBuckets.Where(b => b.TenantId == tenant).ToListAsync(Cancellation);
        return [.. rows
            .GroupBy(b => (b.Metric, b.Minute))
            .Select(g => (g.Key.Metric, DateTime.SpecifyKind(g.Key.Minute, DateTimeKind.Utc), g.Sum(b => b.Amount)))
            .OrderBy(b => b.Metric).ThenBy(b => b.Item2)];
    }

    private async Task<List<string>> IdsAsync(Guid key)
    {
        await using var db = database.CreateContext();
        var ids = await db.UsageIngestIds.Where(i => i.ApiKeyId == key).Select(i => i.EventId).ToListAsync(Cancellation);
        return [.. ids.Order(StringComparer.Ordinal)];
    }

    /// <summary>Everything an ingest writes, counted: buckets, counters (and their sum), event ids, write ids.</summary>
    private async Task<(int Buckets, int Counters, long Used, int Ids, int Writes)> StoredAsync()
    {
        await using var db = database.CreateContext();
        return (
            await db.UsageBuckets.CountAsync(Cancellation),
            await db.UsageCounters.CountAsync(Cancellation),
            (await db.UsageCounters.Select(c => c.Used).ToListAsync(Cancellation)).Sum(),
            await db.UsageIngestIds.CountAsync(Cancellation),
            await db.UsageFlushes.CountAsync(Cancellation));
    }
}

public sealed class UsageIngestShouldOnSqlite(SqliteDatabase database)
    : UsageIngestShould(database), IClassFixture<SqliteDatabase>;
