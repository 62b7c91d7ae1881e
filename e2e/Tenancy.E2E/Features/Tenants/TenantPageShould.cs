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

        var tenant = await new TenantPage(session.Page).GotoAsync(unknown);

        await Expect(tenant.Heading).ToHaveTextAsync("Tenant not found");
        await Expect(session.Page.GetByText($"No tenant has the id {unknown}.")).ToBeVisibleAsync();
        await Expect(tenant.GoToTenantsLink).ToBeVisibleAsync();
        await Expect(tenant.ErrorBar).ToBeHiddenAsync();
        Assert.Empty(session.BrowserErrors);
    }
}
