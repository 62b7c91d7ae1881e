namespace Tenancy.Core.Features.Sharding;

/// <summary>
/// Where a tenant's data lives on a Citus cluster: the shard of the change log that holds it (its
/// members, projects, items and settings are in the colocated shards beside it), the worker that
/// holds that shard, and whether the shard holds this tenant alone.
/// </summary>
public sealed record TenantPlacement(long ShardId, string Node, bool Isolated);
