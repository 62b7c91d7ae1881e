using Tenancy.Core.Features.Plans;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Pages;
using static Microsoft.Playwright.Assertions;
using Tenant = Tenancy.Core.Features.Tenants.Tenant;
using TenantStatus = Tenancy.Core.Features.Tenants.TenantStatus;

namespace Tenancy.E2E.Features.Sharding;

/// <summary>
/// On the Citus cluster only (scripts/test.sh's Citus run takes …OnCitus classes; the plain run
/// leaves them out): an Admin moves a large tenant to shards of its own from the tenant page.
/// </summary>
[Collection(ShardingCollection.Name)]
public sealed class TenantIsolationShouldOnCitus(PortalFixture portal)
{
    private static readonly Tenant Osprey = new()
    {
        Id = Guid.Parse("01950c3a-7d2e-7b41-9c3e-5a2f0e2ec175"),
        Name = "Osprey Analytics",
        Slug = "osprey-analytics",
        OwnerName = "Maren Holt",
        OwnerEmail = "maren.holt@osprey-analytics.example",
        Status = TenantStatus.Active,
        PlanId = PlanCatalog.Enterprise,
        Region = "eu-west",
        CreatedAt = new DateTime(2024, 3, 4, 10, 0, 0, DateTimeKind.Utc),
        UpdatedAt = new DateTime(2025, 6, 1, 8, 30, 0, DateTimeKind.Utc),
    };

    [Fact]
    public async Task LetAnAdminMoveATenantToShardsOfItsOwnAndShowSupportWhereItLives()
    {
        await portal.AddTenantAsync(Osprey);

        // Support sees where the tenant lives, without the action.
        await using (var support = await portal.NewSessionAsync())
        {
            var page = await new TenantPage(support.Page).GotoAsync(Osprey.Id);
            var card = support.Page.GetByTestId("tenant-placement");
            await Expect(card).ToBeVisibleAsync();
            await Expect(card.GetByTestId("placement-neighbours")).ToHaveTextAsync("Shares its shards with other tenants");
            await Expect(support.Page.GetByTestId("isolate-open")).ToHaveCountAsync(0);
            Assert.Empty(support.BrowserErrors);
        }

        await using var session = await portal.NewSessionAsync(signedIn: false);
        await new SignInPage(session.Page).SignInAsAsync("Admin");
        await new TenantPage(session.Page).GotoAsync(Osprey.Id);
        var placement = session.Page.GetByTestId("tenant-placement");
        var shardBefore = await placement.GetByTestId("placement-shard").TextContentAsync();
        await session.Page.GetByTestId("isolate-open").ClickAsync();
        var dialog = session.Page.GetByRole(Microsoft.Playwright.AriaRole.Dialog, new() { Name = "Move to shards of its own" });
        var submit = session.Page.GetByTestId("isolate-submit");
        await Expect(submit).ToBeDisabledAsync();
        await dialog.GetByRole(Microsoft.Playwright.AriaRole.Textbox, new() { Name = "Reason" }).FillAsync("Large nightly imports slow the tenants beside it (ticket OPS-812)");
        await session.Page.Mouse.MoveAsync(0, 0);
        await Screenshots.TakeAsync(session.Page, "tenant-isolate-dialog.png");
        await submit.ClickAsync();

        await Expect(dialog).ToBeHiddenAsync();
        await Expect(placement.GetByTestId("placement-neighbours")).ToHaveTextAsync("None: the shards hold this tenant alone");
        await Expect(placement.GetByTestId("placement-shard")).Not.ToHaveTextAsync(shardBefore!);
        await Expect(session.Page.GetByTestId("isolate-open")).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(session.Page, "tenant-isolated.png");

        var tenant = new TenantPage(session.Page);
        await tenant.GotoAsync(Osprey.Id, "audit");
        await Expect(session.Page.GetByText("tenant.isolated").First).ToBeVisibleAsync();
        Assert.Empty(session.BrowserErrors);
    }
}
