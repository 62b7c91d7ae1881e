using Tenancy.Admin.Features.Tenants;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Tests.Features.Tenants;

public sealed class TenantListUrlShould
{
    private static readonly HashSet<string> Plans = ["free", "starter", "professional", "enterprise"];

    public static TheoryData<TenantQuery> Queries()
    {
        var cursor = TenantCursor.Encode(TenantSort.Name, "O'Brien & Co 100%", DateTime.UnixEpoch, Guid.CreateVersion7());
        var createdCursor = TenantCursor.Encode(TenantSort.Created, "", new DateTime(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc), Guid.CreateVersion7());
        var list = TenantListUrl.Default;
        return
        [
            list,
            list with { Search = "acme & sons / 50% off?" },
            list with { Status = TenantStatus.PastDue, PlanId = "enterprise", Region = "eu-west" },
            list with { Sort = TenantSort.Created, Direction = SortDirection.Descending, PageSize = 100 },
            list with { Search = "ümlaut", Page = PageRequest.After(cursor) },
            list with { Sort = TenantSort.Created, Page = PageRequest.Before(createdCursor) },
            list with { Status = TenantStatus.Suspended, Page = PageRequest.Last },
            list with { HideDeleted = false },
            list with { HideDeleted = false, Search = "acme", Region = "us-east", Sort = TenantSort.Created },
            list with { Status = TenantStatus.Deleted },
        ];
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public void RoundTripEveryViewThroughItsLink(TenantQuery query)
    {
        var link = "http://portal.test" + TenantListUrl.Format(query);

        var parsed = TenantListUrl.Parse(link, Plans);

        Assert.Empty(parsed.Notices);
        Assert.Equal(query, parsed.Query);
    }

    [Fact]
    public void LeaveDefaultsOutOfTheLink() =>
        Assert.Equal("/tenants", TenantListUrl.Format(TenantListUrl.Default));

    [Fact]
    public void HideDeletedTenantsUnlessTheLinkIncludesThem()
    {
        Assert.True(TenantListUrl.Parse("http://portal.test/tenants", Plans).Query.HideDeleted);
        Assert.True(TenantListUrl.Parse("http://portal.test/tenants?q=acme&status=active", Plans).Query.HideDeleted);

        var included = TenantListUrl.Parse("http://portal.test/tenants?deleted=include", Plans);
        Assert.False(included.Query.HideDeleted);
        Assert.Empty(included.Notices);
        Assert.Equal("/tenants?deleted=include", TenantListUrl.Format(included.Query));
        Assert.Equal("/tenants/export.csv?deleted=include", TenantExportEndpoint.For(included.Query with { Page = PageRequest.Last }));
    }

    [Theory]
    [InlineData("?plan=platinum", "Unknown plan 'platinum'")]
    [InlineData("?region=mars", "Unknown region 'mars'")]
    [InlineData("?dir=up", "Unknown sort direction 'up'")]
    [InlineData("?size=5000", "Page size '5000'")]
    [InlineData("?before=abc&after=def", "page position")]
    [InlineData("?page=9", "page position")]
    [InlineData("?utm_source=mail", "Unknown link parameter 'utm_source'")]
    [InlineData("?deleted=yes", "Unknown value 'yes' for deleted tenants")]
    [InlineData("?status=trial&status=active", "given 2 times")]
    public void ExplainWhatItIgnored(string queryString, string notice)
    {
        var parsed = TenantListUrl.Parse("http://portal.test/tenants" + queryString, Plans);

        Assert.Contains(parsed.Notices, n => n.Contains(notice, StringComparison.Ordinal));
    }

    [Fact]
    public void ClearASearchLongerThanTheLimit()
    {
        var parsed = TenantListUrl.Parse("http://portal.test/tenants?q=" + new string('a', 201), Plans);

        Assert.Null(parsed.Query.Search);
        Assert.Single(parsed.Notices);
    }

    [Fact]
    public void RejectACursorOfTheOtherSort()
    {
        var nameCursor = TenantCursor.Encode(TenantSort.Name, "Acme", DateTime.UnixEpoch, Guid.CreateVersion7());

        var parsed = TenantListUrl.Parse($"http://portal.test/tenants?sort=created&after={nameCursor}", Plans);

        Assert.Equal(PageRequest.First, parsed.Query.Page);
        Assert.Single(parsed.Notices);
    }
}
