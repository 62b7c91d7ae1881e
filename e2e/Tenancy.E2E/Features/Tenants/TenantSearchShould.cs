using System.Text.RegularExpressions;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Pages;
using static Microsoft.Playwright.Assertions;
using Tenant = Tenancy.Core.Features.Tenants.Tenant;

namespace Tenancy.E2E.Features.Tenants;

public sealed class TenantSearchShould(PortalFixture portal)
{
    private static readonly Tenant Target = TestTenants.Target;

    [Fact]
    public async Task FindATenantByPartOfItsNameAndOpenIt()
    {
        await using var session = await portal.NewSessionAsync(signedIn: false);
        var list = await new SignInPage(session.Page).SignInAsAsync("Support");
        await Expect(session.Page.GetByTestId("signed-in-role")).ToHaveTextAsync("Support");
        await Expect(list.Count).ToHaveTextAsync($"{TestTenants.All.Count} tenants");

        // Type a word and a space, pause until the list shows what it found, then type on.
        await list.TypeSearchAsync("quantum ");
        await Expect(list.TenantNames).ToHaveTextAsync([TestTenants.NearMiss.Name, Target.Name]);
        await Expect(list.Count).ToHaveTextAsync("2 matches");
        await Expect(session.Page).ToHaveURLAsync(new Regex(@"/tenants\?q=quantum$"));
        await list.TypeSearchAsync("ana");

        await Expect(list.SearchBox).ToHaveValueAsync("quantum ana");
        // One match, and a count that differs from the previous search's: this result is the final one.
        await Expect(list.TenantNames).ToHaveTextAsync([Target.Name]);
        await Expect(list.Count).ToHaveTextAsync("1 match");
        await Expect(session.Page).ToHaveURLAsync(new Regex(@"/tenants\?q=quantum(\+|%20)ana$"));
        await list.ScreenshotAsync("tenant-search.png");

        var tenant = await list.OpenAsync(Target.Name);

        await Expect(session.Page).ToHaveURLAsync(new Regex($"/tenants/{Target.Id}$"));
        await Expect(tenant.Heading).ToHaveTextAsync(Target.Name);
        await Expect(tenant.Fact("Slug")).ToHaveTextAsync(Target.Slug);
        await Expect(tenant.Fact("Stripe customer")).ToHaveTextAsync(Target.StripeCustomerId!);
        await Expect(tenant.Fact("Tenant id")).ToHaveTextAsync(Target.Id.ToString());
        await tenant.ScreenshotAsync("tenant-page.png");

        // "Back to tenants" returns to the search the tenant was opened from.
        list = await tenant.BackToTenantsAsync();
        await Expect(list.SearchBox).ToHaveValueAsync("quantum ana");
        await Expect(list.TenantNames).ToHaveTextAsync([Target.Name]);
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task OfferTheExactSlugMatchAndOpenItOnEnter()
    {
        await using var session = await portal.NewSessionAsync();
        var list = await new TenantListPage(session.Page).GotoAsync();

        await list.SearchBox.FillAsync(Target.Slug);

        await Expect(list.ExactMatchBanner).ToContainTextAsync($"Exact slug match: {Target.Name} ({Target.Slug})");
        await list.SearchBox.PressAsync("Enter");

        var tenant = new TenantPage(session.Page);
        await tenant.WaitUntilReadyAsync();
        await Expect(session.Page).ToHaveURLAsync(new Regex($"/tenants/{Target.Id}$"));
        await Expect(tenant.Heading).ToHaveTextAsync(Target.Name);
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task JumpStraightToTheTenantForAnExactId()
    {
        var other = TestTenants.All.Single(t => t.Name == "Indigo Robotics");
        await using var session = await portal.NewSessionAsync();
        var list = await new TenantListPage(session.Page).GotoAsync();

        await list.SearchBox.FillAsync(other.Id.ToString());

        var tenant = new TenantPage(session.Page);
        await tenant.WaitUntilReadyAsync();
        await Expect(session.Page).ToHaveURLAsync(new Regex($"/tenants/{other.Id}$"));
        await Expect(tenant.Heading).ToHaveTextAsync(other.Name);
        await Expect(tenant.Fact("Slug")).ToHaveTextAsync(other.Slug);
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task RejectAnOverlongSearchWithAMessageAndNoError()
    {
        await using var session = await portal.NewSessionAsync();
        var list = await new TenantListPage(session.Page).GotoAsync();
        await Expect(list.Count).ToHaveTextAsync($"{TestTenants.All.Count} tenants");

        await list.SearchBox.FillAsync(string.Concat(Enumerable.Repeat("quantum ", 32)).Trim()[..250]);

        await Expect(session.Page.GetByText("Search text can be at most 200 characters (it has 250).")).ToBeVisibleAsync();
        await Expect(list.SearchBox).ToHaveAttributeAsync("aria-invalid", "true");
        // The list is left as it was: no query ran, nothing failed.
        await Expect(session.Page).ToHaveURLAsync(new Regex("/tenants$"));
        await Expect(list.Count).ToHaveTextAsync($"{TestTenants.All.Count} tenants");
        await Expect(list.LoadError).ToHaveCountAsync(0);
        await Expect(list.ErrorBar).ToBeHiddenAsync();
        Assert.Empty(session.BrowserErrors);
    }
}
