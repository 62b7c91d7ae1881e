using System.Globalization;
using System.Text;
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

        var day = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-log-{day}.csv\"";
        context.Response.Headers.CacheControl = "no-store";
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
        await writer.WriteLineAsync(string.Join(',', Header));
        var rows = 0;
        await foreach (var (entry, tenantName) in audit.ExportAsync(filters.ToQuery(), context.RequestAborted))
        {
            await writer.WriteLineAsync(string.Join(',',
                Field(entry.OccurredAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
                Field(entry.ActorName),
                Field(entry.ActorEmail),
                Field(entry.ActorSubject),
                Field(entry.Action),
                Field(entry.TenantId?.ToString()),
                Field(tenantName),
                Field(entry.Reason),
                Field(entry.Before),
                Field(entry.After),
                Field(entry.CorrelationId)));
            if (++rows % 500 == 0)
            {
                await writer.FlushAsync(context.RequestAborted);
            }
        }
    }

    /// <summary>
    /// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes
    /// doubled. A value a spreadsheet would run as a formula (it starts with = + - @, a tab or a
    /// carriage return: staff-typed reasons and names can) is prefixed with an apostrophe.
    /// </summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }
}
