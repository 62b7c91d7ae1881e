using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Access;

/// <summary>
/// Writers of a tenant's access (the billing processor, the grace sweep, staff suspensions, a
/// customer link) take the tenant's row lock first, inside their transaction, so they take turns
/// and each applies <see cref="TenantAccess.StatusFor"/> to what the one before committed.
/// </summary>
internal static class TenantAccessLock
{
    /// <summary>Holds the tenant's row lock until the transaction ends (PostgreSQL; SQLite's write transaction already excludes other writers).</summary>
    public static Task TakeAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken) =>
        db.Provider == DatabaseProvider.Postgres
            ? db.Database.ExecuteSqlAsync($"SELECT 1 FROM tenants WHERE id = {tenantId} FOR UPDATE", cancellationToken)
            : Task.CompletedTask;
}
