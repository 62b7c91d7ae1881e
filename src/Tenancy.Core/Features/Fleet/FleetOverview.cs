using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Fleet;

/// <summary>Tenants with one status, counted exactly or estimated as the tenant list counts them.</summary>
public sealed record FleetStatusCount(TenantStatus Status, TenantCount Count);

/// <summary>
/// The fleet at a glance, for the home page: tenants by status, what happened per day (new
/// tenants, suspensions, reactivations, billing failures), and the tenants closest to or over a
/// limit. Every part is an index read or a count the tenant list already makes, so the page
/// costs the same at ten thousand tenants as at ten million.
/// </summary>
public sealed class FleetOverview(IDbContextFactory<TenancyDbContext> contextFactory, TenantCatalog catalog, TimeProvider clock)
{
    /// <summary>The Stripe event that records a failed payment.</summary>
    public const string PaymentFailedEvent = "invoice.payment_failed";

    /// <summary>Tenants per status (deleted ones included, last).</summary>
    public async Task<IReadOnlyList<FleetStatusCount>> CountByStatusAsync(CancellationToken cancellationToken = default)
    {
        var counts = new List<FleetStatusCount>();
        foreach (var status in Enum.GetValues<TenantStatus>())
        {
            counts.Add(new FleetStatusCount(status, await catalog.CountAsync(new TenantQuery { Status = status }, cancellationToken)));
        }

        return counts;
    }

    /// <summary>The last <paramref name="days"/> days (UTC, today included), oldest first, every day present.</summary>
    public async Task<IReadOnlyList<FleetDay>> ActivityAsync(int days = 90, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var today = clock.GetUtcNow().UtcDateTime.Date;
        var from = DateTime.SpecifyKind(today.AddDays(-(days - 1)), DateTimeKind.Utc);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var created = await PerDayAsync(db.Tenants.Where(t => t.CreatedAt >= from).Select(t => t.CreatedAt), cancellationToken);
        var suspended = await PerDayAsync(db.Suspensions.Where(s => s.StartedAt >= from).Select(s => s.StartedAt), cancellationToken);
        var lifted = await PerDayAsync(db.Suspensions.Where(s => s.LiftedAt != null && s.LiftedAt >= from).Select(s => s.LiftedAt!.Value), cancellationToken);
        var failed = await PerDayAsync(db.StripeEvents.Where(e => e.Type == PaymentFailedEvent && e.ReceivedAt >= from).Select(e => e.ReceivedAt), cancellationToken);
        return [.. Enumerable.Range(0, days).Select(i =>
        {
            var day = from.AddDays(i);
            return new FleetDay(day, created.GetValueOrDefault(day), suspended.GetValueOrDefault(day), lifted.GetValueOrDefault(day), failed.GetValueOrDefault(day));
        })];
    }

    /// <summary>
    /// The tenants closest to (or furthest over) a limit, highest share of the limit first: the top
    /// of <c>ix_quota_pressure_ratio</c>, with the tenants' names. Deleted tenants, and limits with
    /// nothing used, are left out.
    /// </summary>
    public async Task<IReadOnlyList<TenantPressureRow>> TopPressureAsync(int count = 50, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);

        // Read from the index in pages and drop deleted tenants: no join in the ordered read.
        var result = new List<TenantPressureRow>(count);
        for (var skip = 0; result.Count < count; skip += count * 2)
        {
            var page = await db.QuotaPressure.AsNoTracking()
                .Where(p => p.Ratio > 0) // nothing used is no pressure (and the index's tail)
                .OrderByDescending(p => p.Ratio).ThenBy(p => p.TenantId).ThenBy(p => p.Metric)
                .Skip(skip).Take(count * 2)
                .ToListAsync(cancellationToken);
            var ids = page.Select(p => p.TenantId).Distinct().ToList();
            var tenants = await db.Tenants.AsNoTracking()
                .Where(t => ids.Contains(t.Id) && t.Status != TenantStatus.Deleted)
                .Select(t => new { t.Id, t.Name, t.Slug })
                .ToDictionaryAsync(t => t.Id, cancellationToken);
            result.AddRange(page
                .Where(p => tenants.ContainsKey(p.TenantId))
                .Take(count - result.Count)
                .Select(p => new TenantPressureRow(p.TenantId, tenants[p.TenantId].Name, tenants[p.TenantId].Slug, p.Metric, p.Used, p.Limit, p.Ratio, p.ProjectedAt, p.UpdatedAt)));
            if (page.Count < count * 2)
            {
                break;
            }
        }

        return result;
    }

    private static async Task<Dictionary<DateTime, int>> PerDayAsync(IQueryable<DateTime> times, CancellationToken cancellationToken) =>
        (await times.GroupBy(t => t.Date).Select(g => new { Day = g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToDictionary(g => DateTime.SpecifyKind(g.Day, DateTimeKind.Utc), g => g.Count);
}
