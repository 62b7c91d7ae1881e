namespace Tenancy.E2E.Hosting;

/// <summary>
/// Tests that add a tenant of their own and move its data between shards (Citus). The tenant list
/// tests count every tenant, so these run after the parallel tests, alone, as restores do
/// (<see cref="RestoreCollection"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ShardingCollection
{
    public const string Name = "Sharding";
}
