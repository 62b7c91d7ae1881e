using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Tests.Features.Usage;

/// <summary><c>GET /tenants/{id}/usage.csv</c> over HTTP: the series one chart of the Usage tab shows.</summary>
public sealed class UsageExportShould : IAsyncLifetime
{
    private readonly PortalFactory _portal = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteTheChartsSeriesOneRowPerPoint()
    {
        var now = DateTime.UtcNow;
        var tenant = await AddTenantAsync("Usageco");
        await WriteAsync(tenant, now.AddHours(-30), 700);
        await WriteAsync(tenant, now.AddHours(-2), 300);
        using var client = await _portal.SignedInClientAsync("viewer", Cancellation);

        using var response = await client.GetAsync($"/tenants/{tenant}/usage.csv?metric=api-requests-per-month&range=7d", Cancellation);
        var lines = (await response.Content.ReadAsStringAsync(Cancellation)).TrimEnd('\n').Split('\n');

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Matches("^attachment; filename=\"usage-usageco-api-requests-per-month-7d-\\d{4}-\\d{2}-\\d{2}\\.csv\"$", response.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal("time_utc,used_per_hour,used_this_month,quota", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(7 * 24, rows.Count);
        Assert.Equal(1_000, rows.Sum(r => long.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(rows, r => Assert.Matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:00:00Z$", r[0]));
    }

    [Fact]
    public async Task RefuseAnAddressWithoutAChartedMetricAndAnswerNotFoundForAnUnknownTenant()
    {
        var tenant = await AddTenantAsync("Usageco");
        using var client = await _portal.SignedInClientAsync("viewer", Cancellation);

        using var rate = await client.GetAsync($"/tenants/{tenant}/usage.csv?metric=api-requests-per-second&range=7d", Cancellation);
        using var noRange = await client.GetAsync($"/tenants/{tenant}/usage.csv?metric=storage", Cancellation);
        using var unknown = await client.GetAsync($"/tenants/{Guid.NewGuid()}/usage.csv?metric=storage&range=7d", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, rate.StatusCode);
        Assert.Contains("Unknown metric 'api-requests-per-second'", await rate.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noRange.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    private IDbContextFactory<TenancyDbContext> Contexts => _portal.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>();

    private async Task<Guid> AddTenantAsync(string name)
    {
        await using var db = await Contexts.CreateDbContextAsync(Cancellation);
        var slug = name.ToLowerInvariant();
        var tenant = new Tenant
        {
            Name = name, Slug = slug, OwnerName = "Owner of " + name, OwnerEmail = $"owner@{slug}.example",
            Status = TenantStatus.Active, PlanId = PlanCatalog.Starter, Region = "eu-west",
            CreatedAt = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), UpdatedAt = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        };
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync(Cancellation);
        return tenant.Id;
    }

    private async Task WriteAsync(Guid tenant, DateTime minute, long amount)
    {
        await using var db = await Contexts.CreateDbContextAsync(Cancellation);
        await using var transaction = await db.Database.BeginTransactionAsync(Cancellation);
        await UsageWriter.WriteAsync(db, Guid.NewGuid(), [new(tenant, QuotaMetric.ApiRequestsPerMonth, minute, amount)], DateTime.UtcNow, Cancellation);
        await transaction.CommitAsync(Cancellation);
    }
}
