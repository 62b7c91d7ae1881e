using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Components.Charts;
using Tenancy.Admin.Features.Fleet;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Tests.Features.Fleet;

/// <summary>The home page (<c>/</c>) on a real (SQLite) database: tenants by status, the fleet's days, the tenants nearest their quotas.</summary>
public sealed class FleetHomePageShould : PortalTestContext
{
    [Fact]
    public void CountTenantsByStatusWithLinksToTheFilteredList()
    {
        Database.AddTenants("Acme Analytics", "Bluebird Studio", "Cobalt Labs", "Delta Freight", "Ember Foods", "Fjord Games"); // trial, then active ×4, trial

        var cut = RenderHome();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=fleet-status-row]")), Wait);
        var rows = cut.FindAll("[data-testid=fleet-status-row]");
        Assert.Equal(
            [("Trial", "/tenants?status=trial", "2 tenants"), ("Active", "/tenants?status=active", "4 tenants"), ("Past due", "/tenants?status=past-due", "0 tenants"),
             ("Suspended", "/tenants?status=suspended", "0 tenants"), ("Deleted", "/tenants?status=deleted", "0 tenants")],
            rows.Select(r => (r.QuerySelector("a")!.TextContent, r.QuerySelector("a")!.GetAttribute("href"), r.QuerySelector("[data-testid=fleet-status-count]")!.TextContent)));
        Assert.Equal("6 tenants in all", cut.Find("[data-testid=fleet-total]").TextContent);
        var donut = cut.FindComponent<DonutChart>().Instance;
        Assert.Equal([2d, 4, 0, 0, 0], donut.Slices.Select(s => s.Value));
        Assert.Equal("/tenants?status=active", donut.Slices[1].Href);
    }

    [Fact]
    public async Task DrawWhatHappenedPerDayAndSayWhenNothingDid()
    {
        Database.AddTenants("Acme Analytics"); // created in 2024: long before the last 90 days
        var quiet = RenderHome();
        quiet.WaitForAssertion(() => Assert.NotEmpty(quiet.FindAll("[data-testid=fleet-activity-empty]")), Wait);
        Assert.Equal("Nothing happened in the last 90 days.", quiet.Find("[data-testid=fleet-activity-empty]").TextContent);

        await using (var db = Database.CreateDbContext())
        {
            var tenant = await db.Tenants.SingleAsync(Cancel);
            tenant.CreatedAt = Start.UtcDateTime.AddDays(-3);
            await db.SaveChangesAsync(Cancel);
        }

        var cut = RenderHome();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindComponents<TimeChart>()), Wait);
        var chart = cut.FindComponent<TimeChart>().Instance;
        Assert.Equal(90, chart.Times.Count);
        Assert.Equal(["New tenants", "Suspensions", "Reactivations", "Failed payments"], chart.Series.Select(s => s.Name));
        var day = chart.Times.ToList().IndexOf(Start.UtcDateTime.Date.AddDays(-3));
        Assert.Equal(1, chart.Series[0].Values[day]);
        Assert.Equal(1, chart.Series[0].Values.Sum());
    }

    [Fact]
    public async Task ListTheTenantsNearestTheirQuotasWithLinksToTheirUsage()
    {
        var tenants = Database.AddTenants("Acme Analytics", "Bluebird Studio");
        var before = RenderHome();
        before.WaitForAssertion(() => Assert.NotEmpty(before.FindAll("[data-testid=fleet-pressure-empty]")), Wait);
        var quotas = Services.GetRequiredService<QuotaService>();
        var current = await quotas.GetAsync(tenants[0].Id, Cancel);
        await quotas.UpdateAsync(Sam, tenants[0].Id, current!.Version,
            new Dictionary<QuotaMetric, QuotaOverride> { [QuotaMetric.ApiRequestsPerMonth] = QuotaOverride.To(10_000) }, "Trial cap (ticket SUP-2)", cancellationToken: Cancel);
        await using (var db = Database.CreateDbContext())
        await using (var transaction = await db.Database.BeginTransactionAsync(Cancel))
        {
            await UsageWriter.WriteAsync(db, Guid.NewGuid(), [new(tenants[0].Id, QuotaMetric.ApiRequestsPerMonth, Start.UtcDateTime.AddHours(-1), 12_500)], Start.UtcDateTime, Cancel);
            await transaction.CommitAsync(Cancel);
        }

        await Services.GetRequiredService<UsageRollup>().RunAsync(cancellationToken: Cancel);

        var cut = RenderHome();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=fleet-pressure-row]")), Wait);
        var row = cut.FindAll("[data-testid=fleet-pressure-row]").First(r => r.GetAttribute("data-tenant") == tenants[0].Id.ToString());
        Assert.Equal("api-requests-per-month", row.GetAttribute("data-metric"));
        var link = row.QuerySelector("a")!;
        Assert.Equal("Acme Analytics", link.TextContent);
        Assert.Equal($"/tenants/{tenants[0].Id}/usage?metric=api-requests-per-month", link.GetAttribute("href"));
        Assert.Equal(
            ["Acme Analytics", "API requests per month", "12,500 / 10,000 requests / month", "125%", "Over quota"],
            row.Children.Select(c => c.TextContent.Trim()));
    }

    [Fact]
    public void OpenAnOldTenantListLinkAtTheListsAddress()
    {
        Navigation.NavigateTo("/?q=acme&status=active");

        RenderHome();

        Assert.EndsWith("/tenants?q=acme&status=active", Navigation.Uri, StringComparison.Ordinal);
    }

    private IRenderedComponent<FleetHomePage> RenderHome() => Render<FleetHomePage>(p => p.Add(c => c.Animate, false));
}
