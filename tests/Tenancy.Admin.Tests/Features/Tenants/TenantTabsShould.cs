using Tenancy.Admin.Features.Tenants;
using Tenancy.Core.Features.Staff;

namespace Tenancy.Admin.Tests.Features.Tenants;

public sealed class TenantTabsShould
{
    private static readonly Guid Id = Guid.Parse("01950c3a-7d2e-7b41-9c3e-5a2f0e2eb001");

    [Fact]
    public void RegisterTheQuotasBillingAndAuditTabs()
    {
        Assert.Equal(("quotas", "Quotas"), (TenantTabs.Quotas.Slug, TenantTabs.Quotas.Label));
        Assert.Equal(("billing", "Billing"), (TenantTabs.Billing.Slug, TenantTabs.Billing.Label));
        Assert.Equal(("audit", "Audit history"), (TenantTabs.Audit.Slug, TenantTabs.Audit.Label));
        Assert.Equal(
            [TenantTabs.Quotas, TenantTabs.Billing, TenantTabs.Audit],
            TenantTabs.All.Where(t => t == TenantTabs.Quotas || t == TenantTabs.Billing || t == TenantTabs.Audit));

        // Quotas and Billing change the tenant (plan, status): the page re-reads its header after them.
        Assert.True(TenantTabs.Quotas.TakesChanged);
        Assert.True(TenantTabs.Billing.TakesChanged);
        Assert.False(TenantTabs.Audit.TakesChanged);
    }

    [Fact]
    public void AddressTheOverviewAndEachTab()
    {
        Assert.Equal($"/tenants/{Id}", TenantTabs.OverviewUrl(Id));
        Assert.Equal($"/tenants/{Id}/quotas", TenantTabs.Quotas.Url(Id));
        Assert.Equal($"/tenants/{Id}/audit", TenantTabs.Audit.Url(Id));
    }

    [Fact]
    public void FindATabByItsSlugInAnyCase()
    {
        Assert.Same(TenantTabs.Billing, TenantTabs.Find("billing"));
        Assert.Same(TenantTabs.Billing, TenantTabs.Find("Billing"));
        Assert.Null(TenantTabs.Find("overview"));
        Assert.Null(TenantTabs.Find("bill"));
    }

    [Fact]
    public void PassTheTenantAndTheChangedCallbackOnlyToComponentsThatTakeThem()
    {
        Assert.Equal(["TenantId", "Changed"], TenantTabs.Quotas.Parameters(Id, default).Keys);
        Assert.Equal(["TenantId"], TenantTabs.Audit.Parameters(Id, default).Keys);
        Assert.Equal(Id, TenantTabs.Audit.Parameters(Id, default)["TenantId"]);
    }

    [Fact]
    public void RefuseAComponentWithoutATenantIdParameter()
    {
        var error = Assert.Throws<ArgumentException>(() => TenantTab.Of<TenantStatusChip>("status", "Status", StaffCapability.View));

        Assert.StartsWith("TenantStatusChip cannot be the 'status' tab: it has no [Parameter] Guid TenantId.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Usage")]
    [InlineData("point in time")]
    [InlineData("restore/")]
    [InlineData("-usage")]
    public void RefuseASlugThatIsNotALowerCaseUrlSegment(string slug)
    {
        Assert.Throws<ArgumentException>(() => TenantTab.Of<TenantDetailsPage>(slug, "Tab", StaffCapability.View));
    }
}
