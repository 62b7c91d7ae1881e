using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Tenancy.Admin.Features.Audit;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;

namespace Tenancy.Admin.Tests.Features.Audit;

public sealed class AuditLogPageShould : PortalTestContext
{
    [Fact]
    public async Task TakeItsFiltersFromTheAddressAndKeepThemThereAndInTheExportLink()
    {
        var acme = Database.AddTenants("Acme Analytics").Single();
        await RecordAsync(Sam, "quota.changed", acme.Id, before: new { Seats = new { Limit = 5 } }, after: new { Seats = new { Limit = 50 } });
        await RecordAsync(Ada, "quota.changed", acme.Id);
        await RecordAsync(Sam, "tenant.suspended", acme.Id);
        SignInAs("Vera Viewer", StaffRole.Viewer);
        Navigation.NavigateTo("/audit?who=sam&action=quota.changed");

        var cut = Render<AuditLogPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=audit-table] tbody tr")), Wait);
        var row = cut.Find("[data-testid=audit-table] tbody tr");
        Assert.Equal("Acme Analytics", row.QuerySelector("[data-testid=audit-tenant]")!.TextContent.Trim());
        Assert.Equal(acme.Id.ToString(), row.QuerySelector("[data-testid=audit-tenant]")!.GetAttribute("title"));
        Assert.Equal("Seats › limit: 5 seats → 50 seats", row.QuerySelector("[data-testid=audit-change-line]")!.TextContent.Trim().Replace("  ", " ", StringComparison.Ordinal));
        Assert.Equal("/audit/export.csv?who=sam&action=quota.changed", cut.Find("[data-testid=audit-export]").GetAttribute("href"));

        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync("tenant.suspended"));

        Assert.EndsWith("/audit?who=sam&action=tenant.suspended", Navigation.Uri, StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.Contains("tenant.suspended", cut.Find("[data-testid=audit-table] tbody tr").TextContent, StringComparison.Ordinal), Wait);
        Assert.Single(cut.FindAll("[data-testid=audit-table] tbody tr"));
    }

    [Fact]
    public void SayWhatOfAMalformedLinkItCouldNotUse()
    {
        SignInAs("Vera Viewer", StaffRole.Viewer);
        Navigation.NavigateTo("/audit?tenant=nope&from=2026-99-01&to=2026-12-01");

        var cut = Render<AuditLogPage>();

        cut.WaitForAssertion(() => Assert.Contains(
            "Part of the link could not be used: the tenant id, the start date.",
            cut.Find("[data-testid=audit-link-notice]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal("/audit/export.csv?to=2026-12-01", cut.Find("[data-testid=audit-export]").GetAttribute("href"));
    }

    [Fact]
    public async Task ShowTheRawJsonOnlyWhenAsked()
    {
        var acme = Database.AddTenants("Acme Analytics").Single();
        await RecordAsync(Sam, "quota.changed", acme.Id, before: new { Limit = 5 }, after: new { Limit = 6 });
        SignInAs("Vera Viewer", StaffRole.Viewer);
        Navigation.NavigateTo("/audit");
        var cut = Render<AuditLogPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=audit-raw-toggle]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=audit-raw]"));

        cut.Find("[data-testid=audit-raw-toggle]").Click();

        Assert.Contains("""{"limit":6}""", cut.Find("[data-testid=audit-raw]").TextContent, StringComparison.Ordinal);
    }

    private async Task RecordAsync(StaffActor actor, string action, Guid tenant, object? before = null, object? after = null)
    {
        await using var db = await Database.CreateDbContextAsync(Cancel);
        Services.GetRequiredService<AuditLog>().Record(db, actor, action, tenant, before, after, reason: "Checked with the customer");
        await db.SaveChangesAsync(Cancel);
        Clock.Advance(TimeSpan.FromSeconds(1));
    }
}
