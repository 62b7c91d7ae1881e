using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Tests.Features.Tenants;

/// <summary>Guards the test data itself, so the catalog tests keep testing what they claim to.</summary>
public sealed class TenantCatalogTestDataShould
{
    private static IReadOnlyList<TenantRow> All => TenantCatalogTestData.Tenants;

    [Fact]
    public void CoverEveryStatusPlanAndRegion()
    {
        Assert.Equal(Enum.GetValues<TenantStatus>().Order(), All.Select(t => t.Status).Distinct().Order());
        Assert.Equal(PlanCatalog.All.Select(p => p.Id).Order(), All.Select(t => t.PlanId).Distinct().Order());
        Assert.Equal(Regions.All.Order(StringComparer.Ordinal), All.Select(t => t.Region).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void HaveFilterCasesThatSelectSomeButNotAllRows()
    {
        var counts = TenantCatalogBrowseShould.Filters.Select(f =>
        {
            var (status, planId, region) = f.Data;
            return All.Count(t => (status is null || t.Status == status) && (planId is null || t.PlanId == planId) && (region is null || t.Region == region));
        }).ToList();

        Assert.Equal(1, counts.Count(c => c == 0));
        Assert.Equal(1, counts.Count(c => c == All.Count));
    }

    [Fact]
    public void NeedTheIdToOrderRowsWithTheSameSortValue()
    {
        Assert.Contains(All.GroupBy(t => t.Name), g => g.Count() > 1);
        Assert.Contains(All.GroupBy(t => t.CreatedAt), g => g.Count() > 2);

        // Within a tie the id order must differ from the insertion order, or a missing
        // tie-breaker could go unnoticed.
        var acme = All.Where(t => t.Name == "Acme").Select(t => t.Id).ToList();
        var byId = acme.OrderBy(id => id.ToString("N"), StringComparer.Ordinal).ToList();
        Assert.NotEqual(byId, acme);
        Assert.NotEqual(byId.AsEnumerable().Reverse(), acme);
    }
}
