using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Tenants;

/// <summary>Jumping straight to a tenant (exact id, slug, Stripe customer id) and the tenant overview.</summary>
public abstract class TenantCatalogLookupShould(TestDatabase database) : IAsyncLifetime
{
    private readonly TenantCatalog catalog = new(database.ContextFactory);

    private static TenantRow Globex => TenantCatalogTestData.Named(TenantCatalogTestData.Globex);

    private static TenantRow Initrode => TenantCatalogTestData.Named(TenantCatalogTestData.Initrode);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() =>
        new(database.SeedOnceAsync(nameof(TenantCatalogTestData), TenantCatalogTestData.SeedAsync, Cancellation));

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task FindATenantByItsId()
    {
        foreach (var term in new[] { Globex.Id.ToString(), Globex.Id.ToString("N"), Globex.Id.ToString().ToUpperInvariant(), $" {Globex.Id} " })
        {
            var match = await catalog.FindExactAsync(term, Cancellation);

            Assert.Equal(new TenantExactMatch(Globex.Id, Globex.Name, Globex.Slug, ExactMatchKind.Id), match);
        }
    }

    [Theory]
    [InlineData("gx-hq")]
    [InlineData("GX-HQ")]
    [InlineData("Gx-Hq ")]
    public async Task FindATenantByItsSlugInAnyCase(string term)
    {
        var match = await catalog.FindExactAsync(term, Cancellation);

        Assert.Equal(new TenantExactMatch(Globex.Id, Globex.Name, Globex.Slug, ExactMatchKind.Slug), match);
    }

    [Fact]
    public async Task FindATenantByItsStripeCustomerId()
    {
        var globex = await catalog.FindExactAsync("cus_GLOBEX01", Cancellation);
        var initrode = await catalog.FindExactAsync("cus_INITRODE", Cancellation);

        Assert.Equal(new TenantExactMatch(Globex.Id, Globex.Name, Globex.Slug, ExactMatchKind.StripeCustomerId), globex);
        Assert.Equal(new TenantExactMatch(Initrode.Id, Initrode.Name, Initrode.Slug, ExactMatchKind.StripeCustomerId), initrode);
    }

    [Theory]
    [InlineData("0198f3c2-0000-7000-8000-000000000000")] // an id no tenant has
    [InlineData("no-such-slug")]
    [InlineData("cus_NOBODY")]
    [InlineData("gx")]           // part of a slug is no exact match
    [InlineData("Globex")]       // a name is no exact match
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task FindNothingForTextThatIsNoIdSlugOrStripeCustomerId(string? term)
    {
        Assert.Null(await catalog.FindExactAsync(term, Cancellation));
    }

    [Fact]
    public async Task FindNothingForTextLongerThanASearchMayBe()
    {
        Assert.Null(await catalog.FindExactAsync(new string('x', TenantQuery.MaxSearchLength + 1), Cancellation));
    }

    [Fact]
    public async Task ShowATenantWithItsPlanNameAndItsMemberAndProjectCounts()
    {
        var details = await catalog.GetAsync(Globex.Id, Cancellation);

        var expected = new TenantDetails(
            Globex.Id,
            Globex.Name,
            Globex.Slug,
            Globex.Status,
            Globex.PlanId,
            PlanCatalog.All.Single(p => p.Id == Globex.PlanId).Name,
            Globex.Region,
            "Owner of " + Globex.Name,
            Globex.OwnerEmail,
            "cus_GLOBEX01",
            "sub_GLOBEX01",
            Globex.CreatedAt,
            Globex.CreatedAt.AddDays(1),
            MemberCount: 3,
            ProjectCount: 2);
        Assert.Equal(expected, details);
        Assert.Equal(DateTimeKind.Utc, details!.CreatedAt.Kind);
    }

    [Fact]
    public async Task CountOnlyTheTenantsOwnMembersAndProjects()
    {
        var initrode = await catalog.GetAsync(Initrode.Id, Cancellation);
        var withoutData = await catalog.GetAsync(TenantCatalogTestData.Named("Tenant 001").Id, Cancellation);

        Assert.Equal((1, 0), (initrode!.MemberCount, initrode.ProjectCount));
        Assert.Equal((0, 0), (withoutData!.MemberCount, withoutData.ProjectCount));
        Assert.Null(withoutData.StripeCustomerId);
    }

    [Fact]
    public async Task ShowNothingForAnUnknownId()
    {
        Assert.Null(await catalog.GetAsync(Guid.Parse("0198f3c2-0000-7000-8000-000000000000"), Cancellation));
        Assert.Null(await catalog.GetAsync(Guid.Empty, Cancellation));
    }
}

public sealed class TenantCatalogLookupShouldOnPostgres(PostgresDatabase database)
    : TenantCatalogLookupShould(database), IClassFixture<PostgresDatabase>;

public sealed class TenantCatalogLookupShouldOnSqlite(SqliteDatabase database)
    : TenantCatalogLookupShould(database), IClassFixture<SqliteDatabase>;
