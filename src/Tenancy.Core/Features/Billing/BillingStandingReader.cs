using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Access;

namespace Tenancy.Core.Features.Billing;

/// <summary>A tenant's <see cref="BillingStanding"/> from its billing row, for the status rule.</summary>
public sealed class BillingStandingReader : IBillingStandingReader
{
    public async Task<BillingStanding> ReadAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken) =>
        Of(await db.TenantBillings.AsNoTracking().FirstOrDefaultAsync(b => b.TenantId == tenantId, cancellationToken));

    /// <summary>Past due while a payment is overdue; otherwise what the subscription's status says; none without billing.</summary>
    public static BillingStanding Of(TenantBilling? billing) => billing switch
    {
        null => BillingStanding.None,
        { PastDueSince: not null } => BillingStanding.PastDue,
        { SubscriptionStatus: null } => BillingStanding.None,
        { SubscriptionStatus: SubscriptionStatuses.Trialing } => BillingStanding.Trialing,
        _ => BillingStanding.Subscribed,
    };
}
