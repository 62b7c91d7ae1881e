namespace Tenancy.Core.Features.Sharding;

/// <summary>Audit actions of sharding.</summary>
public static class ShardingAuditActions
{
    /// <summary>An Admin moved a tenant's data to shards of its own.</summary>
    public const string Isolated = "tenant.isolated";
}
