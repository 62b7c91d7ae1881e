using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Tenants;

/// <summary>
/// Counts, and the search cap: 1,100 "Bulk Widget" tenants, more than <see cref="TenantCatalog.SearchCap"/>
/// match "widget", plus a few others.
/// </summary>
public abstract class TenantCatalogCountShould(TestDatabase database) : IAsyncLifetime
{
    protected const int Widgets = 1_100;
    protected const int Others = 20;

    private static readonly DateTime Start = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    protected TestDatabase Database { get; } = database;

    protected TenantCatalog Catalog { get; } = new(database.ContextFactory);

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => new(Database.SeedOnceAsync("widgets", SeedAsync, Cancellation));

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task CountEveryTenantExactlyWhenThereAreFew()
    {
        Assert.Equal(new TenantCount(Widgets + Others, TenantCountKind.Exact), await Catalog.CountAsync(new TenantQuery(), Cancellation));
        Assert.Equal(new TenantCount(Others, TenantCountKind.Exact), await Catalog.CountAsync(new TenantQuery { PlanId = PlanCatalog.Enterprise }, Cancellation));
    }

    [Fact]
    public async Task CountAtLeastTheSearchCapWhenASearchMatchesMore()
    {
        var count = await Catalog.CountAsync(new TenantQuery { Search = "Widget" }, Cancellation);

        Assert.Equal(new TenantCount(TenantCatalog.SearchCap, TenantCountKind.AtLeast), count);
    }

    [Fact]
    public async Task CountASearchExactlyBelowTheCap()
    {
        // "widget 00" is in "Bulk Widget 0001" to "Bulk Widget 0099".
        Assert.Equal(new TenantCount(99, TenantCountKind.Exact), await Catalog.CountAsync(new TenantQuery { Search = "widget 00" }, Cancellation));

        // Every 100th widget is suspended: a filter narrows a capped search below the cap.
        Assert.Equal(
            new TenantCount(Widgets / 100, TenantCountKind.Exact),
            await Catalog.CountAsync(new TenantQuery { Search = "widget", Status = TenantStatus.Suspended }, Cancellation));
    }

    [Fact]
    public async Task ListMatchesOfACappedSearchInOrderWithoutRepeats()
    {
        var query = new TenantQuery { Search = "widget", PageSize = TenantQuery.MaxPageSize };

        var listed = await Catalog.ListAllAsync(query, Cancellation);

        Assert.All(listed, i => Assert.StartsWith("Bulk Widget ", i.Name, StringComparison.Ordinal));
        Assert.Equal(listed.Count, listed.Select(i => i.Id).Distinct().Count());
        Assert.Equal(listed.Select(i => i.Name).Order(StringComparer.Ordinal), listed.Select(i => i.Name));
    }

    [Fact]
    public async Task ListEveryMatchOfASearchWhoseCountIsCapped()
    {
        // TenantCatalog.SearchCap caps the count ("1,000+"), never the rows: all 1,100 are listed.
        var listed = await Catalog.ListAllAsync(new TenantQuery { Search = "widget", PageSize = TenantQuery.MaxPageSize }, Cancellation);

        Assert.Equal(Widgets, listed.Count);
    }

    private static async Task SeedAsync(TenancyDbContext db, CancellationToken cancellationToken)
    {
        for (var i = 1; i <= Widgets; i++)
        {
            db.Tenants.Add(new Tenant
            {
                Name = $"Bulk Widget {i:0000}",
                Slug = $"bulk-widget-{i:0000}",
                OwnerName = "Owner",
                OwnerEmail = $"owner{i:0000}@bulk.example",
                Status = i % 100 == 0 ? TenantStatus.Suspended : TenantStatus.Active,
                PlanId = PlanCatalog.Starter,
                Region = "eu-west",
                CreatedAt = Start.AddMinutes(i),
                UpdatedAt = Start.AddMinutes(i),
            });
        }

        for (var i = 1; i <= Others; i++)
        {
            db.Tenants.Add(new Tenant
            {
                Name = $"Other {i:00}",
                Slug = $"other-{i:00}",
                OwnerName = "Owner",
                OwnerEmail = $"owner{i:00}@other.example",
                Status = TenantStatus.Active,
                PlanId = PlanCatalog.Enterprise,
                Region = "us-east",
                CreatedAt = Start,
                UpdatedAt = Start,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

public sealed class TenantCatalogCountShouldOnPostgres(PostgresDatabase database)
    : TenantCatalogCountShould(database), IClassFixture<PostgresDatabase>
{
    /// <summary>PostgreSQL only: with fresh statistics the planner's estimate is small, so the count is exact.</summary>
    [Fact]
    public async Task CountSmallResultsExactlyAfterAnalyze()
    {
        await using (var db = Database.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("ANALYZE tenants", Cancellation);
        }

        Assert.Equal(new TenantCount(Widgets + Others, TenantCountKind.Exact), await Catalog.CountAsync(new TenantQuery(), Cancellation));
        Assert.Equal(
            new TenantCount(Widgets / 100, TenantCountKind.Exact),
            await Catalog.CountAsync(new TenantQuery { Status = TenantStatus.Suspended }, Cancellation));
        Assert.Equal(
            new TenantCount(Others, TenantCountKind.Exact),
            await Catalog.CountAsync(new TenantQuery { PlanId = PlanCatalog.Enterprise, Region = "us-east" }, Cancellation));
    }
}

public sealed class TenantCatalogCountShouldOnSqlite(SqliteDatabase database)
    : TenantCatalogCountShould(database), IClassFixture<SqliteDatabase>;
