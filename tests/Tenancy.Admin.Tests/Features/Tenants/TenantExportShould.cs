using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Features.Tenants;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Tests.Features.Tenants;

/// <summary><c>GET /tenants/export.csv</c> over HTTP: the list's view as CSV, capped, authorised and audited.</summary>
public sealed class TenantExportShould : IAsyncLifetime
{
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["TenantExport:MaxRows"] = "3" });

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExportTheViewInItsOrderUpToTheLimitAndAuditIt()
    {
        await AddTenantsAsync("Exportco Delta", "Exportco Alpha", "Exportco Echo", "Exportco Charlie", "Exportco Bravo", "Elsewhere Ltd");
        using var client = await _portal.SignedInClientAsync("viewer", Cancellation);

        using var response = await client.GetAsync("/tenants/export.csv?q=exportco&sort=name&dir=desc", Cancellation);
        var lines = (await response.Content.ReadAsStringAsync(Cancellation)).TrimEnd('\n').Split('\n');

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("3", response.Headers.GetValues("X-Export-Max-Rows").Single());
        Assert.Equal("id,name,slug,owner_name,owner_email,status,plan,region,created_at_utc", lines[0]);
        Assert.Equal(["Exportco Echo", "Exportco Delta", "Exportco Charlie"], lines.Skip(1).Select(l => l.Split(',')[1]));
        Assert.EndsWith(",active,starter,eu-west,2025-01-01T00:00:00Z", lines[1], StringComparison.Ordinal);

        await using var db = await Contexts.CreateDbContextAsync(Cancellation);
        var audited = await db.AuditLog.AsNoTracking().Where(e => e.Action == TenantExportEndpoint.ExportedAction).ToListAsync(Cancellation);
        var entry = Assert.Single(audited);
        Assert.Equal("Vera Viewer", entry.ActorName);
        Assert.Contains("/tenants?q=exportco\\u0026dir=desc", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LeaveDeletedTenantsOutUnlessTheViewIncludesThem()
    {
        await AddTenantsAsync("Exportco Alpha", "Exportco Bravo", "Exportco Charlie");
        await using (var db = await Contexts.CreateDbContextAsync(Cancellation))
        {
            await db.Tenants.Where(t => t.Name == "Exportco Bravo").ExecuteUpdateAsync(t => t.SetProperty(x => x.Status, TenantStatus.Deleted), Cancellation);
        }

        using var client = await _portal.SignedInClientAsync("viewer", Cancellation);

        Assert.Equal(["Exportco Alpha", "Exportco Charlie"], await ExportedNamesAsync(client, "/tenants/export.csv"));
        Assert.Equal(["Exportco Alpha", "Exportco Bravo", "Exportco Charlie"], await ExportedNamesAsync(client, "/tenants/export.csv?deleted=include"));
        Assert.Equal(["Exportco Bravo"], await ExportedNamesAsync(client, "/tenants/export.csv?status=deleted"));
    }

    [Fact]
    public async Task RefuseAnAddressThatIsNotAViewOfTheList()
    {
        using var client = await _portal.SignedInClientAsync("viewer", Cancellation);

        using var response = await client.GetAsync("/tenants/export.csv?status=sleeping", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Unknown status 'sleeping'", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAnAnonymousVisitorToSignIn()
    {
        using var client = _portal.CreateBrowserLikeClient();

        using var response = await client.GetAsync("/tenants/export.csv", Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    private IDbContextFactory<TenancyDbContext> Contexts => _portal.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>();

    private static async Task<List<string>> ExportedNamesAsync(HttpClient client, string address)
    {
        using var response = await client.GetAsync(address, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync(Cancellation)).TrimEnd('\n').Split('\n');
        return [.. lines.Skip(1).Select(l => l.Split(',')[1])];
    }

    private async Task AddTenantsAsync(params string[] names)
    {
        await using var db = await Contexts.CreateDbContextAsync(Cancellation);
        foreach (var name in names)
        {
            var slug = name.ToLowerInvariant().Replace(' ', '-');
            db.Tenants.Add(new Tenant
            {
                Name = name, Slug = slug, OwnerName = "Owner of " + name, OwnerEmail = $"owner@{slug}.example",
                Status = TenantStatus.Active, PlanId = PlanCatalog.Starter, Region = "eu-west",
                CreatedAt = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), UpdatedAt = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            });
        }

        await db.SaveChangesAsync(Cancellation);
    }
}
