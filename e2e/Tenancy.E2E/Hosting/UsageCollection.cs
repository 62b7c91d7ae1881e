namespace Tenancy.E2E.Hosting;

/// <summary>
/// Tests that add tenants with usage of their own (the fleet page and the Usage tab). The tenant
/// list tests count every tenant, so these run after the parallel tests, one after another
/// (xunit runs collections with parallelization disabled last, alone); alone, they can also
/// check that the server logged nothing while they ran.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UsageCollection
{
    public const string Name = "Usage";
}
