using System.Globalization;
using Tenancy.Admin.Components;
using Tenancy.Admin.Features.Staff;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;

namespace Tenancy.Admin.Features.Audit;

/// <summary>
/// <c>GET /audit/export.csv?…</c>: the audit entries the filters match (the same filters as the
/// page, from the same address), newest first, as CSV streamed row by row from the database, so
/// an export of the whole log never sits in memory. Staff who can see the log can export it; the
/// export itself is audited with its filters.
/// </summary>
public static class AuditExportEndpoint
{
    public const string ExportedAction = "audit.exported";

    private static readonly string[] Header =
        ["occurred_at_utc", "actor_name", "actor_email", "actor_subject", "action", "tenant_id", "tenant_name", "reason", "before", "after", "correlation_id"];

    public static WebApplication MapAuditExport(this WebApplication app)
    {
        app.MapGet(AuditFilters.ExportPath, ExportAsync).RequireAuthorization(StaffPolicies.View);
        return app;
    }

    private static async Task ExportAsync(HttpContext context, AuditLog audit, TimeProvider clock)
    {
        var (filters, ignored) = AuditFilters.Parse(name => context.Request.Query[name].FirstOrDefault());
        if (ignored.Count > 0)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"The export's address has a malformed {string.Join(", ", ignored)}.", context.RequestAborted);
            return;
        }

        var actor = StaffClaims.ToActor(context.User);
        await audit.RecordAsync(actor, ExportedAction, filters.Tenant, after: filters, cancellationToken: context.RequestAborted);

        await using var csv = await CsvDownload.StartAsync(context, "audit-log", clock.GetUtcNow().UtcDateTime, Header);
        await foreach (var (entry, tenantName) in audit.ExportAsync(filters.ToQuery(), context.RequestAborted))
        {
            await csv.WriteRowAsync(
                entry.OccurredAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                entry.ActorName,
                entry.ActorEmail,
                entry.ActorSubject,
                entry.Action,
                entry.TenantId?.ToString(),
                tenantName,
                entry.Reason,
                entry.Before,
                entry.After,
                entry.CorrelationId);
        }
    }
}
