using Microsoft.AspNetCore.WebUtilities;
using Tenancy.Admin.Components;
using Tenancy.Admin.Features.Staff;
using Tenancy.Admin.Features.Tenants;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Features.Usage;

/// <summary>
/// <c>GET /tenants/{id}/usage.csv?metric=storage&amp;range=7d</c>: the series one chart of the
/// Usage tab shows, as CSV (<see cref="UsageChartView.CsvRows"/>: one row per point, numbers in
/// full). Staff who can see the tab can download it. Not audited: it holds what the tab shows of
/// one tenant, no more (the fleet-wide exports are audited).
/// </summary>
public static class UsageExportEndpoint
{
    public const string Suffix = "usage.csv";

    public static string For(Guid tenantId, QuotaMetric metric, UsageRange range) =>
        QueryHelpers.AddQueryString($"{TenantTabs.OverviewUrl(tenantId)}/{Suffix}", new Dictionary<string, string?>
        {
            ["metric"] = UsageUrl.Token(metric),
            ["range"] = range.Token(),
        });

    public static WebApplication MapUsageExport(this WebApplication app)
    {
        app.MapGet("/tenants/{id:guid}/" + Suffix, ExportAsync).RequireAuthorization(StaffPolicies.View);
        return app;
    }

    private static async Task ExportAsync(Guid id, HttpContext context, UsageCharts charts, TenantCatalog catalog, TimeProvider clock)
    {
        var parsed = UsageUrl.Parse($"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}{context.Request.QueryString}");
        if (parsed.Metric is not { } metric || parsed.NeedsCorrection || context.Request.Query["range"].Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(
                "The download's address needs a metric and a period of the Usage tab: " + string.Join(" ", parsed.Notices.DefaultIfEmpty("metric and range are required.")),
                context.RequestAborted);
            return;
        }

        var tenant = await catalog.GetAsync(id, context.RequestAborted);
        var chart = tenant is null ? null : await charts.ReadAsync(id, metric, parsed.Range, context.RequestAborted);
        if (tenant is null || chart is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var view = new UsageChartView(chart);
        var stem = $"usage-{tenant.Slug}-{UsageUrl.Token(metric)}-{parsed.Range.Token()}";
        await using var csv = await CsvDownload.StartAsync(context, stem, clock.GetUtcNow().UtcDateTime, view.CsvHeader);
        foreach (var row in view.CsvRows())
        {
            await csv.WriteRowAsync(row);
        }
    }
}
