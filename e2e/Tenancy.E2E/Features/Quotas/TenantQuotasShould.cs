using Microsoft.Playwright;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Features.Quotas;

public sealed class TenantQuotasShould(PortalFixture portal)
{
    [Fact]
    public async Task LetSupportRaiseStorageWithAReasonThatTheAuditHistoryShows()
    {
        await using var session = await portal.NewSessionAsync();
        var tenant = await new TenantPage(session.Page).GotoAsync(TestTenants.NearMiss.Id);
        var quotas = await TenantQuotasTab.OpenAsync(tenant);

        await quotas.SetCustomLimitAsync("Storage", "250 GB", "Customer bought the 250 GB storage add-on");

        await Expect(quotas.EffectiveLimit("StorageBytes")).ToHaveTextAsync("250 GB");
        await Screenshots.TakeAsync(session.Page, "tenant-quotas.png");
        await session.Page.GetByRole(AriaRole.Tab, new() { Name = "Audit history" }).ClickAsync();
        var entry = session.Page.GetByTestId("audit-table").Locator("tbody tr").Filter(new() { HasText = "quota.changed" });
        await Expect(entry).ToHaveCountAsync(1);
        await Expect(entry).ToContainTextAsync("Sam Support");
        await Expect(entry).ToContainTextAsync("Customer bought the 250 GB storage add-on");
        await Expect(entry).ToContainTextAsync("Storage › limit:");
        await Expect(entry).ToContainTextAsync("→ 250 GB");
        await Expect(entry).Not.ToContainTextAsync("250000000000");
        await Screenshots.TakeAsync(session.Page, "tenant-audit-history.png");
        await entry.GetByTestId("audit-raw-toggle").ClickAsync();
        await Expect(entry.GetByTestId("audit-raw")).ToContainTextAsync("250000000000");
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task ShowViewersTheQuotasReadOnly()
    {
        await using var session = await portal.NewSessionAsync(signedIn: false);
        await new SignInPage(session.Page).SignInAsAsync("Viewer");
        var tenant = await new TenantPage(session.Page).GotoAsync(TestTenants.Target.Id);

        var quotas = await TenantQuotasTab.OpenAsync(tenant);

        await Expect(quotas.ReadOnlyNote).ToBeVisibleAsync();
        await Expect(quotas.EditButton).ToHaveCountAsync(0);
        await Expect(session.Page.GetByRole(AriaRole.Button, new() { Name = "Change plan" })).ToHaveCountAsync(0);
        Assert.Empty(session.BrowserErrors);
    }
}
