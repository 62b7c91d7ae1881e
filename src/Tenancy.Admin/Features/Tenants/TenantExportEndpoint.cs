using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;
using Tenancy.Admin.Components;
using Tenancy.Admin.Features.Staff;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Features.Tenants;

/// <summary>The <c>TenantExport</c> configuration section.</summary>
public sealed class TenantExportOptions
{
    public const string SectionName = "TenantExport";

    /// <summary>The most rows one export of the tenant list holds; the list says so when its view has more.</summary>
    [Range(1, 10_000_000)]
    public int MaxRows { get; set; } = 100_000;
}

/// <summary>
/// <c>GET /tenants/export.csv?…</c>: the tenant list's current view (the same address
/// parameters: search, filters, sort), in its order, up to <see cref="TenantExportOptions.MaxRows"/>
/// rows, as CSV streamed page by page. Staff who can see the list can export it; the export is
/// audited with its view and limit.
/// </summary>
public static class TenantExportEndpoint
{
    public const string Path = "/tenants/export.csv";
    public const string ExportedAction = "tenants.exported";

    private static readonly string[] Header =
        ["id", "name", "slug", "owner_name", "owner_email", "status", "plan", "region", "created_at_utc"];

    /// <summary>The export's address for a view of the list (its page position left out: an export starts at the first row).</summary>
    public static string For(TenantQuery view) =>
        Path + TenantListUrl.Format(view with { Page = PageRequest.First })[TenantListUrl.Path.Length..];

    public static WebApplication MapTenantExport(this WebApplication app)
    {
        app.MapGet(Path, ExportAsync).RequireAuthorization(StaffPolicies.View);
        return app;
    }

    private static async Task ExportAsync(HttpContext context, TenantCatalog catalog, AuditLog audit, IOptions<TenantExportOptions> options, TimeProvider clock)
    {
        var plans = (await catalog.ListPlansAsync(context.RequestAborted)).Select(p => p.Id).ToList();
        var (query, notices) = TenantListUrl.Parse($"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}{context.Request.QueryString}", plans);
        var errors = notices.Concat(query.Validate()).ToList();
        if (errors.Count > 0)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("The export's address is not a view of the tenant list: " + string.Join(" ", errors), context.RequestAborted);
            return;
        }

        var max = options.Value.MaxRows;
        var view = TenantListUrl.Format(query with { Page = PageRequest.First });
        await audit.RecordAsync(StaffClaims.ToActor(context.User), ExportedAction, after: new { View = view, MaxRows = max }, cancellationToken: context.RequestAborted);

        context.Response.Headers["X-Export-Max-Rows"] = max.ToString(CultureInfo.InvariantCulture);
        await using var csv = await CsvDownload.StartAsync(context, "tenants", clock.GetUtcNow().UtcDateTime, Header);
        await foreach (var t in catalog.ExportAsync(query, max, context.RequestAborted))
        {
            await csv.WriteRowAsync(
                t.Id.ToString(),
                t.Name,
                t.Slug,
                t.OwnerName,
                t.OwnerEmail,
                t.Status.ToSlug(),
                t.PlanId,
                t.Region,
                t.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
    }
}
