using System.Text.RegularExpressions;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Features.Tenants;

public sealed class TenantPageShould(PortalFixture portal)
{
    [Fact]
    public async Task SayTenantNotFoundForAnUnknownId()
    {
        var unknown = Guid.NewGuid();
        await using var session = await portal.NewSessionAsync();

        var response = await session.Page.GotoAsync($"/tenants/{unknown}");
        var tenant = new TenantPage(session.Page);
        await tenant.WaitUntilReadyAsync();

        Assert.Equal(404, response?.Status);
        await Expect(tenant.Heading).ToHaveTextAsync("Tenant not found");
        await Expect(session.Page.GetByText($"No tenant has the id {unknown}.")).ToBeVisibleAsync();
        await Expect(tenant.GoToTenantsLink).ToBeVisibleAsync();
        await Expect(tenant.ErrorBar).ToBeHiddenAsync();

        // The one error is Chromium reporting the page's own 404.
        Assert.Equal("console error: Failed to load resource: the server responded with a status of 404 (Not Found)", Assert.Single(session.BrowserErrors));
    }

    [Fact]
    public async Task OpenTheTabALinkNames()
    {
        await using var session = await portal.NewSessionAsync();

        var tenant = await new TenantPage(session.Page).GotoAsync(TestTenants.Target.Id, "quotas");

        await Expect(tenant.Heading).ToHaveTextAsync(TestTenants.Target.Name);
        await Expect(tenant.Tab("Quotas")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(new TenantQuotasTab(session.Page).Table).ToBeVisibleAsync();
        await Expect(session.Page).ToHaveTitleAsync($"{TestTenants.Target.Name} · Quotas · Tenancy Admin");
        await tenant.ScreenshotAsync("tenant-quotas-from-link.png");
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task PutEachTabInTheUrlSoBackAndForwardMoveBetweenTabs()
    {
        var id = TestTenants.Target.Id;
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        var tenant = await new TenantPage(page).GotoAsync(id);
        await page.EvaluateAsync("() => window.samePage = true"); // gone if anything reloads the page

        await TenantBillingTab.OpenAsync(tenant);
        await tenant.Tab("Audit history").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/tenants/{id}/audit$"));
        await Expect(page.GetByTestId("audit-table")).ToBeVisibleAsync();

        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/tenants/{id}/billing$"));
        await Expect(tenant.Tab("Billing")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(new TenantBillingTab(page).Status).ToBeVisibleAsync();
        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/tenants/{id}$"));
        await Expect(tenant.Tab("Overview")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(tenant.Fact("Slug")).ToHaveTextAsync(TestTenants.Target.Slug);
        await page.GoForwardAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/tenants/{id}/billing$"));
        await Expect(tenant.Tab("Billing")).ToHaveAttributeAsync("aria-selected", "true");

        Assert.True(await page.EvaluateAsync<bool>("() => window.samePage === true"));
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task ShowTheOverviewWithANoticeForAnUnknownTab()
    {
        var id = TestTenants.Target.Id;
        await using var session = await portal.NewSessionAsync();

        var tenant = await new TenantPage(session.Page).GotoAsync(id, "invoices");

        await Expect(tenant.TabNotice).ToHaveTextAsync("The tenant page has no tab 'invoices'; showing the overview.");
        await Expect(tenant.Tab("Overview")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(session.Page).ToHaveURLAsync(new Regex($"/tenants/{id}$"));
        await Expect(tenant.Heading).ToHaveTextAsync(TestTenants.Target.Name);
        Assert.Empty(session.BrowserErrors);
    }
}
