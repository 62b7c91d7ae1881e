using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Usage;

/// <summary>
/// Current usage of the metrics counted from the tenant's own data: one aggregate over the
/// tenant's rows (<c>WHERE tenant_id = @t</c>, so on Citus it runs on one shard).
/// </summary>
public static class TenantDataUsage
{
    /// <summary>Members, projects or the sum of item sizes of the tenant, now.</summary>
    public static async Task<long> ReadAsync(TenancyDbContext db, Guid tenantId, QuotaMetric metric, CancellationToken cancellationToken = default) =>
        await CountAsync(db, tenantId, metric, async: true, cancellationToken);

    /// <summary>
    /// Members, projects and the sum of item sizes of each of <paramref name="tenantIds"/>, now:
    /// one grouped aggregate per table. A tenant with none of a kind has no entry for it (zero).
    /// </summary>
    public static async Task<Dictionary<(Guid TenantId, QuotaMetric Metric), long>> ReadManyAsync(
        TenancyDbContext db, IReadOnlyCollection<Guid> tenantIds, CancellationToken cancellationToken = default)
    {
        var ids = tenantIds as List<Guid> ?? [.. tenantIds];
        var levels = new Dictionary<(Guid, QuotaMetric), long>();
        foreach (var row in await db.Members.Where(m => ids.Contains(m.TenantId)).GroupBy(m => m.TenantId)
                     .Select(g => new { TenantId = g.Key, Level = g.LongCount() }).ToListAsync(cancellationToken))
        {
            levels[(row.TenantId, QuotaMetric.Seats)] = row.Level;
        }

        foreach (var row in await db.Projects.Where(p => ids.Contains(p.TenantId)).GroupBy(p => p.TenantId)
                     .Select(g => new { TenantId = g.Key, Level = g.LongCount() }).ToListAsync(cancellationToken))
        {
            levels[(row.TenantId, QuotaMetric.Projects)] = row.Level;
        }

        foreach (var row in await db.ProjectItems.Where(i => ids.Contains(i.TenantId)).GroupBy(i => i.TenantId)
                     .Select(g => new { TenantId = g.Key, Level = g.Sum(i => i.SizeBytes) }).ToListAsync(cancellationToken))
        {
            levels[(row.TenantId, QuotaMetric.StorageBytes)] = row.Level;
        }

        return levels;
    }

    /// <summary>
    /// The same, blocking when <paramref name="async"/> is false (then the task is complete on
    /// return: the enforcer's synchronous checks use it so).
    /// </summary>
    internal static async ValueTask<long> CountAsync(TenancyDbContext db, Guid tenantId, QuotaMetric metric, bool async, CancellationToken cancellationToken)
    {
        switch (metric)
        {
            case QuotaMetric.Seats:
                var members = db.Members.Where(m => m.TenantId == tenantId);
                return async ? await members.LongCountAsync(cancellationToken) : members.LongCount();
            case QuotaMetric.Projects:
                var projects = db.Projects.Where(p => p.TenantId == tenantId);
                return async ? await projects.LongCountAsync(cancellationToken) : projects.LongCount();
            case QuotaMetric.StorageBytes:
                var sizes = db.ProjectItems.Where(i => i.TenantId == tenantId).Select(i => (long?)i.SizeBytes);
                return (async ? await sizes.SumAsync(cancellationToken) : sizes.Sum()) ?? 0;
            default:
                throw new ArgumentException($"{metric} is not counted from tenant data.", nameof(metric));
        }
    }
}
