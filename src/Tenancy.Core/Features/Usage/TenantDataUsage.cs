using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Quotas;

namespace Tenancy.Core.Features.Usage;

/// <summary>
/// Current usage of the metrics counted from the tenant's own data: one aggregate over the
/// tenant's rows (<c>WHERE tenant_id = @t</c>, so on Citus it runs on one shard).
/// </summary>
public static class TenantDataUsage
{
    /// <summary>Members, projects or the sum of item sizes of the tenant, now.</summary>
    public static async Task<long> ReadAsync(TenancyDbContext db, Guid tenantId, QuotaMetric metric, CancellationToken cancellationToken = default) =>
        metric switch
        {
            QuotaMetric.Seats => await db.Members.LongCountAsync(m => m.TenantId == tenantId, cancellationToken),
            QuotaMetric.Projects => await db.Projects.LongCountAsync(p => p.TenantId == tenantId, cancellationToken),
            QuotaMetric.StorageBytes => await db.ProjectItems.Where(i => i.TenantId == tenantId).SumAsync(i => (long?)i.SizeBytes, cancellationToken) ?? 0,
            _ => throw new ArgumentException($"{metric} is not counted from tenant data.", nameof(metric)),
        };

    /// <summary>The same, blocking (for the enforcer's synchronous checks).</summary>
    public static long Read(TenancyDbContext db, Guid tenantId, QuotaMetric metric) =>
        metric switch
        {
            QuotaMetric.Seats => db.Members.LongCount(m => m.TenantId == tenantId),
            QuotaMetric.Projects => db.Projects.LongCount(p => p.TenantId == tenantId),
            QuotaMetric.StorageBytes => db.ProjectItems.Where(i => i.TenantId == tenantId).Sum(i => (long?)i.SizeBytes) ?? 0,
            _ => throw new ArgumentException($"{metric} is not counted from tenant data.", nameof(metric)),
        };
}
