using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Features.Audit;
using Tenancy.Admin.Features.Staff;
using Tenancy.Admin.Tests.Features.Staff;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Tests.Features.Audit;

/// <summary><c>GET /audit/export.csv</c> over HTTP: the filtered entries as CSV, authorised and audited.</summary>
public sealed class AuditExportShould(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private static readonly StaffActor Sam = new("sub-sam-export", "Sam Support", "sam@example.test", new HashSet<StaffRole> { StaffRole.Support });

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StreamTheFilteredEntriesAsCsvNewestFirstAndAuditTheExport()
    {
        var tenant = await AddTenantAsync("Export, \"Quoted\" Ltd");
        await RecordAsync("test.exported-row", tenant, reason: "=HYPERLINK(\"http://evil\")", after: new { Limit = 5 });
        await RecordAsync("test.exported-row", tenant, reason: "Second, with a comma");
        await RecordAsync("test.other-action", tenant, reason: "Not in the export");
        var client = await portal.ClientAsync("viewer");

        using var response = await client.GetAsync($"/audit/export.csv?action=test.exported-row&tenant={tenant}", Cancellation);
        var csv = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment; filename=\"audit-log-", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal("occurred_at_utc,actor_name,actor_email,actor_subject,action,tenant_id,tenant_name,reason,before,after,correlation_id", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains($",test.exported-row,{tenant},\"Export, \"\"Quoted\"\" Ltd\",\"Second, with a comma\",,,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil\"\")\",,\"{\"\"limit\"\":5}\",", lines[2], StringComparison.Ordinal);

        var exported = await EntriesAsync(AuditExportEndpoint.ExportedAction, tenant);
        var entry = Assert.Single(exported);
        Assert.Equal("Vera Viewer", entry.ActorName);
        Assert.Contains("\"action\":\"test.exported-row\"", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefuseAMalformedFilterWithAClearMessageAndExportNothing()
    {
        var client = await portal.ClientAsync("viewer");

        using var response = await client.GetAsync("/audit/export.csv?tenant=not-a-tenant&from=2026-13-01", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The export's address has a malformed the tenant id, the start date.", await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Theory]
    [InlineData("anonymous", "/signin")]
    [InlineData("no-role", "/no-access")]
    public async Task SendWhoMayNotSeeTheLogElsewhere(string who, string to)
    {
        var client = await portal.ClientAsync(who);

        using var response = await client.GetAsync("/audit/export.csv", Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(to, response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    private IDbContextFactory<TenancyDbContext> Contexts => portal.Factory.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>();

    private async Task<Guid> AddTenantAsync(string name)
    {
        var id = Guid.CreateVersion7();
        await using var db = await Contexts.CreateDbContextAsync(Cancellation);
        db.Tenants.Add(new Tenant
        {
            Id = id, Name = name, Slug = "export-" + id.ToString("N")[^12..], OwnerName = "Owner", OwnerEmail = "owner@export.example",
            PlanId = PlanCatalog.Starter, Region = "eu-west", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync(Cancellation);
        return id;
    }

    private async Task RecordAsync(string action, Guid tenant, string reason, object? after = null)
    {
        await using var db = await Contexts.CreateDbContextAsync(Cancellation);
        portal.Factory.Services.GetRequiredService<AuditLog>().Record(db, Sam, action, tenant, after: after, reason: reason);
        await db.SaveChangesAsync(Cancellation);
    }

    private async Task<List<AuditEntry>> EntriesAsync(string action, Guid tenant)
    {
        await using var db = await Contexts.CreateDbContextAsync(Cancellation);
        return await db.AuditLog.AsNoTracking().Where(e => e.Action == action && e.TenantId == tenant).ToListAsync(Cancellation);
    }
}
