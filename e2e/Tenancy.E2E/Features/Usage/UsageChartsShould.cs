using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Usage;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Pages;
using static Microsoft.Playwright.Assertions;
using Tenant = Tenancy.Core.Features.Tenants.Tenant;
using TenantStatus = Tenancy.Core.Features.Tenants.TenantStatus;

namespace Tenancy.E2E.Features.Usage;

/// <summary>
/// The charts in Chromium: the Usage tab and the fleet home page draw their series (the SVG
/// paths ApexCharts writes), redraw them when the window changes size, and leave neither a
/// console error nor a server error behind when staff move away, come back and close the page.
/// The usage is written as the product writes it (<see cref="UsageWriter"/>, then the rollup)
/// over the last 35 days, and the quota is changed through <see cref="QuotaService"/>.
/// </summary>
[Collection(UsageCollection.Name)]
public sealed class UsageChartsShould(PortalFixture portal)
{
    private const string Api = "api-requests-per-month";
    private const string Transfer = "transfer-per-month";

    private static readonly SemaphoreSlim Seeded = new(1, 1);
    private static bool _seeded;

    private static readonly DateTime Now = DateTime.UtcNow;

    /// <summary>Heavy API use all along; its limit lowered today, so it runs out this month.</summary>
    private static readonly Tenant Osprey = NewTenant("01950c3a-7d2e-7b41-9c3e-5a2f0e2eb012", "Osprey Robotics", "osprey-robotics", "Mei Tanaka", daysAgo: 40);

    /// <summary>Over its transfer limit this month.</summary>
    private static readonly Tenant Pelican = NewTenant("01950c3a-7d2e-7b41-9c3e-5a2f0e2eb013", "Pelican Media", "pelican-media", "Sam Whitfield", daysAgo: 12);

    private static readonly StaffActor Ada = new("ada", "Ada Novak", null, new HashSet<StaffRole> { StaffRole.Admin });

    [Fact]
    public async Task DrawTheUsageTabResizeItAndLeaveNoErrorWhenStaffLeaveIt()
    {
        var oldLimit = await SeedAsync();
        var logBefore = portal.Log.Entries.Count;
        await using var session = await portal.NewSessionAsync();
        var tenant = await new TenantPage(session.Page).GotoAsync(Osprey.Id);

        var usage = await TenantUsageTab.OpenAsync(tenant);

        await Expect(usage.Lines(Api)).ToHaveCountAsync(2); // used this month, and the quota's steps
        await Expect(usage.Areas(Api).First).ToBeAttachedAsync();
        await Expect(usage.AnnotationLabels(Api).Filter(new() { HasText = "Quota: 1.5 M" })).ToHaveCountAsync(1);
        await Expect(usage.AnnotationLabels(Api).Filter(new() { HasText = "80%: 1.2 M" })).ToHaveCountAsync(1);
        await Expect(usage.AnnotationLabels(Api).Filter(new() { HasText = $"Ada Novak: {oldLimit} → 1.5 M" })).ToHaveCountAsync(1);
        await Expect(usage.Projection(Api)).ToHaveTextAsync(new Regex(@"^At this rate the API requests per month quota runs out on \d{1,2} [A-Z][a-z]{2}( \d{4})?$"));
        await Expect(usage.Lines(Transfer).First).ToBeAttachedAsync();
        await Expect(usage.Lines("projects").First).ToBeAttachedAsync(); // counted when the tab opened
        await Expect(usage.Card("seats").GetByTestId("usage-empty")).ToBeVisibleAsync();

        var width = await usage.DrawnWidthAsync(Api);
        await session.Page.SetViewportSizeAsync(900, 800); // one column: each chart gets wider
        await Expect(usage.Card(Api).Locator("svg.apexcharts-svg")).Not.ToHaveAttributeAsync("width", width!);
        await Expect(usage.Lines(Api)).ToHaveCountAsync(2);
        var wide = await usage.DrawnWidthAsync(Api);
        Assert.True(double.Parse(wide!, System.Globalization.CultureInfo.InvariantCulture) > double.Parse(width!, System.Globalization.CultureInfo.InvariantCulture), $"{width} → {wide}");

        await session.Page.SetViewportSizeAsync(1280, 800);
        var month = await usage.Lines(Api).First.GetAttributeAsync("d");
        await usage.RangeButton("7d").ClickAsync();
        await Expect(session.Page).ToHaveURLAsync(new Regex(@"/usage\?range=7d$"));
        await Expect(usage.Period).ToHaveTextAsync("Usage over the last 7 days, times in UTC.");
        await Expect(usage.Lines(Api)).ToHaveCountAsync(2);
        await Expect(usage.Lines(Api).First).Not.ToHaveAttributeAsync("d", month!); // drawn anew, in place
        await usage.RangeButton("30d").ClickAsync();
        await Expect(session.Page).ToHaveURLAsync(new Regex("/usage$"));
        await Expect(usage.Lines(Api)).ToHaveCountAsync(2);
        await session.Page.SetViewportSizeAsync(1280, 1500); // the five charts in one picture
        await Expect(usage.Card(Api).Locator("svg.apexcharts-svg")).ToHaveAttributeAsync("width", width!); // two columns again
        await session.Page.Mouse.MoveAsync(0, 0);
        await usage.ScreenshotAsync("usage-tab.png");
        await session.Page.SetViewportSizeAsync(1280, 800);

        await tenant.Tab("Overview").ClickAsync();
        await Expect(tenant.Fact("Projects")).ToBeVisibleAsync();
        await session.Page.GoBackAsync();
        await Expect(session.Page).ToHaveURLAsync(new Regex("/usage$"));
        await Expect(usage.Lines(Api)).ToHaveCountAsync(2);

        await CloseAndExpectNoErrorsAsync(session, logBefore);
    }

    [Fact]
    public async Task DrawTheFleetOnTheHomePageAndLinkToATenantsUsage()
    {
        await SeedAsync();
        var logBefore = portal.Log.Entries.Count;
        await using var session = await portal.NewSessionAsync();

        var home = await new FleetHomePage(session.Page).GotoAsync();

        await Expect(home.StatusSlices.First).ToBeAttachedAsync();
        await Expect(home.StatusRow("Trial").GetByTestId("fleet-status-count")).ToHaveTextAsync(new Regex(@"^\d+ tenants?$"));
        await Expect(home.StatusRow("Active").GetByRole(Microsoft.Playwright.AriaRole.Link)).ToHaveAttributeAsync("href", "/tenants?status=active");
        await Expect(home.ActivityBars.First).ToBeAttachedAsync();
        var pelican = home.PressureRows.And(session.Page.Locator($"[data-tenant='{Pelican.Id}'][data-metric={Transfer}]"));
        await Expect(pelican).ToContainTextAsync("Outbound transfer per month");
        await Expect(pelican.GetByTestId("fleet-pressure-projected")).ToHaveTextAsync("Over quota");
        await Expect(home.PressureRows.And(session.Page.Locator($"[data-tenant='{Osprey.Id}'][data-metric={Api}]"))).ToBeVisibleAsync();

        var width = await FleetHomePage.DrawnWidthAsync(home.ActivityCard);
        await session.Page.SetViewportSizeAsync(1000, 800);
        await Expect(home.ActivityCard.Locator("svg.apexcharts-svg")).Not.ToHaveAttributeAsync("width", width!);
        await Expect(home.ActivityBars.First).ToBeAttachedAsync();
        await Expect(home.StatusSlices.First).ToBeAttachedAsync();
        await session.Page.SetViewportSizeAsync(1280, 1100);
        await Expect(home.ActivityCard.Locator("svg.apexcharts-svg")).ToHaveAttributeAsync("width", width!);
        await session.Page.Mouse.MoveAsync(0, 0);
        await home.ScreenshotAsync("fleet-home.png");
        await session.Page.SetViewportSizeAsync(1280, 800);

        await pelican.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = Pelican.Name }).ClickAsync();
        await Expect(session.Page).ToHaveURLAsync(new Regex($"/tenants/{Pelican.Id}/usage\\?metric={Transfer}$"));
        var usage = new TenantUsageTab(session.Page);
        await Expect(usage.Card(Transfer)).ToHaveAttributeAsync("data-selected", "true");
        await Expect(usage.Projection(Transfer)).ToHaveTextAsync("Over quota");
        await Expect(usage.Lines(Transfer)).ToHaveCountAsync(2);
        await session.Page.GoBackAsync();
        await home.WaitUntilReadyAsync();
        await Expect(home.StatusSlices.First).ToBeAttachedAsync();
        await Expect(home.ActivityBars.First).ToBeAttachedAsync();

        await CloseAndExpectNoErrorsAsync(session, logBefore);
    }

    /// <summary>Closes the page, waits until the server has torn its circuit down (the charts disposed), and checks nobody logged an error.</summary>
    private async Task CloseAndExpectNoErrorsAsync(BrowserSession session, int logBefore)
    {
        var closedBefore = portal.Circuits.Closed;
        await session.Page.CloseAsync(new() { RunBeforeUnload = true });
        await portal.Circuits.WaitForClosedAsync(closedBefore, TimeSpan.FromSeconds(15));

        Assert.Empty(session.BrowserErrors);
        var logged = portal.Log.Entries.Skip(logBefore).Where(e => e.Level >= LogLevel.Error || e.Exception is not null).ToList();
        Assert.True(logged.Count == 0, string.Join("\n", logged.Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception}")));
    }

    /// <summary>
    /// Once for the class: both tenants, 35 days of hourly usage written as the meter would
    /// (API requests with a daily rhythm; transfer), rolled up; Osprey's API request limit
    /// lowered to 1.5 million now, Pelican's transfer limit set to 50 GB, a dozen projects for
    /// Osprey. Returns Osprey's API request limit before the change, in words.
    /// </summary>
    private async Task<string> SeedAsync()
    {
        var quotas = portal.Services.GetRequiredService<QuotaService>();
        await Seeded.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!_seeded)
            {
                await portal.AddTenantAsync(Osprey);
                await portal.AddTenantAsync(Pelican);
                await WriteUsageAsync();
                await portal.Services.GetRequiredService<UsageRollup>().RunAsync(cancellationToken: TestContext.Current.CancellationToken);
                await SetLimitAsync(quotas, Osprey.Id, QuotaMetric.ApiRequestsPerMonth, 1_500_000);
                await SetLimitAsync(quotas, Pelican.Id, QuotaMetric.TransferBytesPerMonth, 50 * QuotaMetrics.GB);
                await ExecuteAsync(
                    "INSERT INTO projects (tenant_id, id, name, created_at, updated_at) SELECT @tenant, gen_random_uuid(), 'Line ' || g, now(), now() FROM generate_series(1, 12) g",
                    Osprey.Id);
                _seeded = true;
            }
        }
        finally
        {
            Seeded.Release();
        }

        var marker = (await portal.Services.GetRequiredService<UsageCharts>().ReadAsync(Osprey.Id, QuotaMetric.ApiRequestsPerMonth, UsageRange.Month, TestContext.Current.CancellationToken))!
            .QuotaChanges.Single();
        return marker.Before is { } before ? QuotaFormat.Amount(QuotaMetric.ApiRequestsPerMonth, before) : "unlimited";
    }

    /// <summary>Every hour of the last 35 days: Osprey's API requests (busier by day, growing) and transfer; Pelican's transfer.</summary>
    private async Task WriteUsageAsync()
    {
        var amounts = new List<UsageAmount>();
        var start = new DateTime(Now.Year, Now.Month, Now.Day, Now.Hour, 0, 0, DateTimeKind.Utc).AddDays(-35);
        for (var hour = start; hour < Now; hour = hour.AddHours(1))
        {
            var day = (hour - start).TotalDays;
            var rhythm = 1 + 0.6 * Math.Sin((hour.Hour - 8) / 24d * 2 * Math.PI);
            amounts.Add(new(Osprey.Id, QuotaMetric.ApiRequestsPerMonth, hour.AddMinutes(7), (long)(3_000 * rhythm * (1 + day / 40))));
            amounts.Add(new(Osprey.Id, QuotaMetric.TransferBytesPerMonth, hour.AddMinutes(7), (long)(400 * QuotaMetrics.MB * rhythm)));
            if (hour >= Now.AddDays(-12))
            {
                amounts.Add(new(Pelican.Id, QuotaMetric.TransferBytesPerMonth, hour.AddMinutes(31), (long)(900 * QuotaMetrics.MB * rhythm)));
            }
        }

        var contexts = portal.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await UsageWriter.WriteAsync(db, Guid.NewGuid(), amounts, DateTime.UtcNow, TestContext.Current.CancellationToken);
        await transaction.CommitAsync(TestContext.Current.CancellationToken);
    }

    private static async Task SetLimitAsync(QuotaService quotas, Guid tenantId, QuotaMetric metric, long limit)
    {
        var current = await quotas.GetAsync(tenantId, TestContext.Current.CancellationToken);
        await quotas.UpdateAsync(Ada, tenantId, current!.Version, new Dictionary<QuotaMetric, QuotaOverride> { [metric] = QuotaOverride.To(limit) },
            "Agreed with the customer (ticket SUP-6120)", confirmBelowUsage: true, cancellationToken: TestContext.Current.CancellationToken);
    }

    private async Task ExecuteAsync(string sql, Guid tenantId)
    {
        await using var connection = new NpgsqlConnection(portal.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static Tenant NewTenant(string id, string name, string slug, string owner, int daysAgo) => new()
    {
        Id = Guid.Parse(id),
        Name = name,
        Slug = slug,
        OwnerName = owner,
        OwnerEmail = $"{owner.Split(' ')[0].ToLowerInvariant()}@{slug}.example",
        Status = TenantStatus.Active,
        PlanId = PlanCatalog.Professional,
        Region = "eu-west",
        CreatedAt = Now.AddDays(-daysAgo),
        UpdatedAt = Now.AddDays(-daysAgo),
    };
}
