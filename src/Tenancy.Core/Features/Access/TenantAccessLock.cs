using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Access;

/// <summary>
/// Writers of a tenant's access (the billing processor, the grace sweep, staff suspensions, a
/// customer link, a restore request) take the tenant's row lock first, inside their transaction,
/// so they take turns and each applies <see cref="TenantAccess.StatusFor"/> to what the one before
/// committed.
/// </summary>
/// <remarks>
/// <c>FOR NO KEY UPDATE</c>, not <c>FOR UPDATE</c>: it excludes the other access writers just the
/// same, but not the <c>FOR KEY SHARE</c> lock every insert of the tenant's data takes on the
/// tenant row for its foreign key, so a staff action never waits for the tenant's own writes
/// (a long import would otherwise hold up a suspension or a restore request).
/// </remarks>
internal static class TenantAccessLock
{
    /// <summary>Holds the tenant's row lock until the transaction ends (PostgreSQL; SQLite's write transaction already excludes other writers).</summary>
    public static Task TakeAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken) =>
        db.Provider == DatabaseProvider.Postgres
            ? db.Database.ExecuteSqlAsync($"SELECT 1 FROM tenants WHERE id = {tenantId} FOR NO KEY UPDATE", cancellationToken)
            : Task.CompletedTask;
}
