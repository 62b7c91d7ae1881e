using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Components.Charts;
using Tenancy.Admin.Features.Usage;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Tests.Features.Usage;

/// <summary>
/// The tenant page's Usage tab on a real (SQLite) database: usage written as the product writes
/// it (<see cref="UsageWriter"/>, then the rollup), quota changes made by staff through
/// <see cref="QuotaService"/>, read back through <see cref="UsageCharts"/>.
/// </summary>
public sealed class UsageTabShould : PortalTestContext
{
    private const long RequestsPerDay = 2_400;

    /// <summary>Where the clock is when the tab is opened: five days after the first quota change.</summary>
    private static readonly DateTime Now = Start.UtcDateTime.AddDays(5);

    [Fact]
    public async Task DrawEachChartedMetricWithItsQuotaAsStepsLinesAt80And100PercentAndWhoChangedIt()
    {
        var tenant = await TenantWithUsageAndTwoQuotaChangesAsync();
        var cut = RenderTab(tenant.Id);

        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll("[data-testid=usage-metric]").Count), Wait);
        Assert.Equal(
            ["api-requests-per-month", "transfer-per-month", "seats", "projects", "storage"], // with usage first, each in the catalog's order
            cut.FindAll("[data-testid=usage-metric]").Select(c => c.GetAttribute("data-metric")));
        var api = Chart(cut, "API requests per month");
        Assert.Equal(30 * 24, api.Times.Count); // 30 days of hours
        Assert.Equal([UsageChartView.MonthToDateSeries, UsageChartView.QuotaSeries, "Used per hour"], api.Series.Select(s => s.Name));
        var monthToDate = api.Series[0].Values;
        Assert.Equal(24 * RequestsPerDay, monthToDate[^1]); // 1 to 24 November
        var quota = api.Series[1];
        Assert.Equal(SeriesShape.Steps, quota.Shape);
        Assert.Equal(40_000, quota.Values[api.Times.ToList().IndexOf(Start.UtcDateTime.AddHours(1))]);
        Assert.Equal(60_000, quota.Values[^1]);
        Assert.True(api.Series[2].OnSecondAxis);
        Assert.Equal(RequestsPerDay, api.Series[2].Values[api.Times.ToList().IndexOf(Now.Date.AddDays(-1).AddHours(12))]);
        Assert.Equal([(48_000d, "80%: 48,000"), (60_000d, "Quota: 60,000")], api.Limits.Select(l => (l.Value, l.Label)));
        Assert.Equal(2, api.Markers.Count);
        Assert.Equal((Start.UtcDateTime, true), (api.Markers[0].At, api.Markers[0].Label.StartsWith("Sam Support: ", StringComparison.Ordinal) && api.Markers[0].Label.EndsWith(" → 40,000", StringComparison.Ordinal)));
        Assert.Equal(new ChartMarker(Start.UtcDateTime.AddDays(3), "Sam Support: 40,000 → 60,000"), api.Markers[1]);

        var card = Card(cut, "api-requests-per-month");
        Assert.Equal("This month: 57,600 of 60,000 requests / month (96%)", card.QuerySelector("[data-testid=usage-headline]")!.TextContent);
        var read = await Services.GetRequiredService<UsageCharts>().ReadAsync(tenant.Id, QuotaMetric.ApiRequestsPerMonth, UsageRange.Month, Cancel);
        var runsOut = Assert.IsType<DateTime>(read!.ProjectedExhaustion);
        Assert.Equal(
            $"At this rate the API requests per month quota runs out on {runsOut.Day} Nov",
            card.QuerySelector("[data-testid=usage-projection]")!.TextContent.Trim());

        // The transfer chart: bytes, no second line of its own unless the plan limits it.
        var transfer = Chart(cut, "Outbound transfer per month");
        Assert.Equal(ChartUnit.Bytes, transfer.Unit);
        Assert.Equal(24 * 5 * QuotaMetrics.GB, transfer.Series[0].Values[^1]);
    }

    [Fact]
    public async Task PutTheChosenPeriodInTheAddressAndShowIt()
    {
        var tenant = await TenantWithUsageAndTwoQuotaChangesAsync();
        var cut = RenderTab(tenant.Id);
        cut.WaitForAssertion(() => Assert.Equal(30 * 24, Chart(cut, "API requests per month").Times.Count), Wait);
        var entries = Navigation.History.Count;

        cut.Find("[data-testid=usage-range-7d]").Click();

        cut.WaitForAssertion(() => Assert.Equal(7 * 24, Chart(cut, "API requests per month").Times.Count), Wait);
        Assert.EndsWith($"/tenants/{tenant.Id}/usage?range=7d", Navigation.Uri, StringComparison.Ordinal);
        Assert.Equal(entries + 1, Navigation.History.Count); // Back returns to 30 days
        Assert.Equal("true", cut.Find("[data-testid=usage-range-7d]").GetAttribute("aria-pressed"));
        Assert.Equal("false", cut.Find("[data-testid=usage-range-30d]").GetAttribute("aria-pressed"));
        Assert.Equal("Usage over the last 7 days, times in UTC.", cut.Find("[data-testid=usage-period]").TextContent);
        Assert.Equal(2, Chart(cut, "API requests per month").Markers.Count); // both changes were in the last week

        Navigation.NavigateTo($"/tenants/{tenant.Id}/usage?range=13mo");

        cut.WaitForAssertion(() => Assert.Equal("Usage over the last 13 months, times in UTC.", cut.Find("[data-testid=usage-period]").TextContent), Wait);
        cut.WaitForAssertion(() => Assert.Equal(396, Chart(cut, "API requests per month").Times.Count), Wait); // days

        Navigation.NavigateTo($"/tenants/{tenant.Id}/usage?range=24h");

        cut.WaitForAssertion(() => Assert.Equal(24 * 12, Chart(cut, "API requests per month").Times.Count), Wait); // 5 minutes
        Assert.Empty(Chart(cut, "API requests per month").Markers); // the last change was two days ago
    }

    [Fact]
    public async Task ShowTheDefaultPeriodForAnUnknownOneAndCorrectTheAddress()
    {
        var tenant = await TenantWithUsageAndTwoQuotaChangesAsync();

        var cut = RenderTab(tenant.Id, "?range=5y");

        cut.WaitForAssertion(() => Assert.Equal(30 * 24, Chart(cut, "API requests per month").Times.Count), Wait);
        Assert.EndsWith($"/tenants/{tenant.Id}/usage", Navigation.Uri, StringComparison.Ordinal);
        Assert.Equal("Unknown period '5y'; showing the last 30 days.", cut.Find("[data-testid=usage-notice]").TextContent);
        Assert.Equal("true", cut.Find("[data-testid=usage-range-30d]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public async Task ShowTheMetricALinkNamesFirst()
    {
        var tenant = await TenantWithUsageAndTwoQuotaChangesAsync();

        var cut = RenderTab(tenant.Id, "?metric=transfer-per-month");

        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll("[data-testid=usage-metric]").Count), Wait);
        var first = cut.FindAll("[data-testid=usage-metric]")[0];
        Assert.Equal("transfer-per-month", first.GetAttribute("data-metric"));
        Assert.Equal("true", first.GetAttribute("data-selected"));
        Assert.EndsWith("/usage.csv?metric=transfer-per-month&range=30d", first.QuerySelector("[data-testid=usage-csv]")!.GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public void SayThereIsNoUsageWhenNoneWasRecorded()
    {
        var tenant = Database.AddTenants("Quiet Ltd").Single();

        var cut = RenderTab(tenant.Id);

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=usage-all-empty]")), Wait);
        Assert.Equal(5, cut.FindAll("[data-testid=usage-empty]").Count);
        Assert.Equal("No storage recorded in the last 30 days.", Card(cut, "storage").QuerySelector("[data-testid=usage-empty]")!.TextContent.Trim());
        Assert.Equal("No API requests per month recorded in the last 30 days.", Card(cut, "api-requests-per-month").QuerySelector("[data-testid=usage-empty]")!.TextContent.Trim());
        Assert.Empty(cut.FindComponents<TimeChart>());
        Assert.Empty(cut.FindAll("[data-testid=usage-projection]"));
    }

    private IRenderedComponent<TenantUsagePanel> RenderTab(Guid tenantId, string query = "")
    {
        Navigation.NavigateTo($"/tenants/{tenantId}/usage{query}");
        return Render<TenantUsagePanel>(p => p.Add(c => c.TenantId, tenantId).Add(c => c.Animate, false));
    }

    private static TimeChart Chart(IRenderedComponent<TenantUsagePanel> cut, string metricLabel) =>
        cut.FindComponents<TimeChart>().Single(c => c.Instance.Title.StartsWith(metricLabel + ",", StringComparison.Ordinal)).Instance;

    private static AngleSharp.Dom.IElement Card(IRenderedComponent<TenantUsagePanel> cut, string metric) =>
        cut.Find($"[data-testid=usage-metric][data-metric={metric}]");

    /// <summary>
    /// A tenant that made <see cref="RequestsPerDay"/> API requests each day at noon from 1 to 24
    /// November and 5 GB of transfer a day over the same days; Support set its API request limit
    /// to 40,000 at <see cref="PortalTestContext.Start"/> and to 60,000 three days later; the
    /// clock then stands at <see cref="Now"/>.
    /// </summary>
    private async Task<Tenant> TenantWithUsageAndTwoQuotaChangesAsync()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        var days = Enumerable.Range(1, 24).Select(d => new DateTime(2026, 11, d, 12, 0, 0, DateTimeKind.Utc)).ToList();
        await WriteUsageAsync(days.Where(d => d < Start.UtcDateTime).SelectMany(d => Day(tenant.Id, d)));
        await SetApiRequestLimitAsync(tenant.Id, 40_000);
        Clock.Advance(TimeSpan.FromDays(3));
        await SetApiRequestLimitAsync(tenant.Id, 60_000);
        Clock.SetUtcNow(Now);
        await WriteUsageAsync(days.Where(d => d >= Start.UtcDateTime).SelectMany(d => Day(tenant.Id, d)));
        await Services.GetRequiredService<UsageRollup>().RunAsync(cancellationToken: Cancel);
        return tenant;

        static UsageAmount[] Day(Guid id, DateTime noon) =>
        [
            new(id, QuotaMetric.ApiRequestsPerMonth, noon, RequestsPerDay),
            new(id, QuotaMetric.TransferBytesPerMonth, noon, 5 * QuotaMetrics.GB),
        ];
    }

    private async Task WriteUsageAsync(IEnumerable<UsageAmount> amounts)
    {
        await using var db = Database.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
        await UsageWriter.WriteAsync(db, Guid.NewGuid(), [.. amounts], Clock.GetUtcNow().UtcDateTime, Cancel);
        await transaction.CommitAsync(Cancel);
    }

    private async Task SetApiRequestLimitAsync(Guid tenantId, long limit)
    {
        var quotas = Services.GetRequiredService<QuotaService>();
        var current = await quotas.GetAsync(tenantId, Cancel);
        await quotas.UpdateAsync(Sam, tenantId, current!.Version,
            new Dictionary<QuotaMetric, QuotaOverride> { [QuotaMetric.ApiRequestsPerMonth] = QuotaOverride.To(limit) },
            "Customer asked for more room (ticket SUP-1)", confirmBelowUsage: true, cancellationToken: Cancel);
    }
}
