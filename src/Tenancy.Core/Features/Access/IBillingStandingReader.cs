using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Access;

/// <summary>
/// Reads a tenant's <see cref="BillingStanding"/> in the caller's context (and transaction). The
/// billing feature provides it, so a feature that changes access without being billing (staff
/// suspensions) applies the status rule without knowing billing's tables.
/// </summary>
public interface IBillingStandingReader
{
    Task<BillingStanding> ReadAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken);
}
