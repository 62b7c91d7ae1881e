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
