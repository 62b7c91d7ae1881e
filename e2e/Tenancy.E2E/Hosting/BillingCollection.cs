namespace Tenancy.E2E.Hosting;

/// <summary>
/// Tests that post Stripe events, move the billing clock or suspend tenants. They change tenant
/// statuses and add tenants and inbox rows, which the tenant list tests count and the screenshots
/// show, and they share one billing clock; so they run one after another, after the parallel
/// tests (xunit runs collections with parallelization disabled last, alone).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BillingCollection
{
    public const string Name = "Billing and suspensions";
}
