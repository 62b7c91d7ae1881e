using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Tenants;

/// <summary>The names of a page's tenants, for lists that show tenants by name (audit log, webhook events).</summary>
public static class TenantNames
{
    /// <summary>
    /// The names of the tenants among <paramref name="tenantIds"/> (nulls skipped), in one query
    /// on the primary key; an id no tenant has is left out.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> OfAsync(
        TenancyDbContext db, IEnumerable<Guid?> tenantIds, CancellationToken cancellationToken = default)
    {
        var ids = tenantIds.OfType<Guid>().Distinct().ToList();
        return ids.Count == 0
            ? new Dictionary<Guid, string>()
            : await db.Tenants.Where(t => ids.Contains(t.Id)).Select(t => new { t.Id, t.Name }).ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
    }
}
