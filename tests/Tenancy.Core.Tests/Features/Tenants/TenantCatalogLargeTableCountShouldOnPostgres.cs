using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Tenants;

/// <summary>
/// PostgreSQL only: counts over a table past <see cref="TenantCatalog.ExactCountCap"/> come from the
/// planner's statistics, except where a filter leaves few rows. 45,000 rows (a tenth deleted), loaded by one
/// INSERT … SELECT generate_series, then ANALYZE.
/// </summary>
public sealed class TenantCatalogLargeTableCountShouldOnPostgres(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const int Rows = 45_000;
    private const int Suspended = Rows / 1_000;
    private const int Deleted = Rows / 10;

    private readonly TenantCatalog catalog = new(database.ContextFactory);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => new(database.SeedOnceAsync("large", async (db, cancellationToken) =>
    {
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
        await db.Database.ExecuteSqlRawAsync(
            $"""
            INSERT INTO tenants (id, name, slug, owner_name, owner_email, status, plan_id, region, created_at, updated_at)
            SELECT gen_random_uuid(), 'Large ' || lpad(i::text, 6, '0'), 'large-' || i, 'Owner', 'owner' || i || '@large.example',
                   CASE WHEN i % 1000 = 0 THEN 'Suspended' WHEN i % 10 = 5 THEN 'Deleted' ELSE 'Active' END, 'free', 'us-east',
                   timestamptz '2025-01-01 00:00:00+00' + i * interval '1 minute',
                   timestamptz '2025-01-01 00:00:00+00' + i * interval '1 minute'
            FROM generate_series(1, {Rows}) AS i
            """,
            cancellationToken);
        await db.Database.ExecuteSqlRawAsync("ANALYZE tenants", cancellationToken);
    }, Cancellation));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task EstimateTheCountOfTheWholeTable()
    {
        var count = await catalog.CountAsync(new TenantQuery(), Cancellation);

        Assert.Equal(TenantCountKind.Estimate, count.Kind);
        Assert.InRange(count.Value, Rows * 95L / 100, Rows * 105L / 100);
    }

    [Fact]
    public async Task EstimateALargeFilteredCount()
    {
        var count = await catalog.CountAsync(new TenantQuery { Status = TenantStatus.Active }, Cancellation);

        Assert.Equal(TenantCountKind.Estimate, count.Kind);
        Assert.InRange(count.Value, (Rows - Suspended - Deleted) * 90L / 100, (Rows - Suspended - Deleted) * 110L / 100);
    }

    [Fact]
    public async Task EstimateTheCountWithoutDeletedTenants()
    {
        var count = await catalog.CountAsync(new TenantQuery { HideDeleted = true }, Cancellation);

        Assert.Equal(TenantCountKind.Estimate, count.Kind);
        Assert.InRange(count.Value, (Rows - Deleted) * 95L / 100, (Rows - Deleted) * 105L / 100);
    }

    [Fact]
    public async Task CountASmallFilteredResultExactly()
    {
        Assert.Equal(new TenantCount(Suspended, TenantCountKind.Exact), await catalog.CountAsync(new TenantQuery { Status = TenantStatus.Suspended }, Cancellation));
        Assert.Equal(new TenantCount(0, TenantCountKind.Exact), await catalog.CountAsync(new TenantQuery { PlanId = PlanCatalog.Enterprise }, Cancellation));
    }

    [Fact]
    public async Task CapTheCountOfASearchMatchingMoreThanTheCap()
    {
        Assert.Equal(
            new TenantCount(TenantCatalog.SearchCap, TenantCountKind.AtLeast),
            await catalog.CountAsync(new TenantQuery { Search = "large" }, Cancellation));
        Assert.Equal(
            new TenantCount(1, TenantCountKind.Exact),
            await catalog.CountAsync(new TenantQuery { Search = "Large 012345" }, Cancellation));
    }
}
