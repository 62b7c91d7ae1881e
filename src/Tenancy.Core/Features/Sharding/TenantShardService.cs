using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Data.Citus;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.Staff;

namespace Tenancy.Core.Features.Sharding;

/// <summary>An isolation that cannot be done as asked; nothing was changed.</summary>
public sealed class TenantIsolationException(string message) : Exception(message);

/// <summary>
/// Where a tenant's data lives on a Citus cluster, and moving one large tenant to shards of its own
/// (<c>isolate_tenant_to_new_shard</c>, decision 0006): its rows leave the shards it shared with
/// other tenants, so it can be moved to a node of its own with the rebalancer, and its load no
/// longer lands on its neighbours. On one PostgreSQL server there is nothing to place: every
/// method says so instead of failing.
/// </summary>
public sealed class TenantShardService(IDbContextFactory<TenancyDbContext> contextFactory, AuditLog audit)
{
    private static readonly string PlacementSql = $"""
        SELECT s.shardid, n.nodename || ':' || n.nodeport, s.shardminvalue = s.shardmaxvalue
        FROM pg_dist_shard s
        JOIN pg_dist_placement p ON p.shardid = s.shardid
        JOIN pg_dist_node n ON n.groupid = p.groupid
        WHERE s.shardid = get_shard_id_for_distribution_column('{TenantChangeConfiguration.TableName}', @tenant)
        ORDER BY n.nodename, n.nodeport
        LIMIT 1
        """;

    /// <summary>True when the database is a Citus cluster, where tenants have a placement.</summary>
    public async Task<bool> IsDistributedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await CitusDistribution.IsCitusAsync(db, cancellationToken);
    }

    /// <summary>The tenant's placement; null on a database without Citus.</summary>
    public async Task<TenantPlacement?> GetPlacementAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await CitusDistribution.IsCitusAsync(db, cancellationToken) ? await PlacementAsync(db, tenantId, cancellationToken) : null;
    }

    /// <summary>
    /// Moves the tenant's rows of every sharded table to new shards that hold only this tenant, on
    /// the node that held them, and records it in the audit log in the same transaction. Writes to
    /// the shards it leaves wait while the rows are copied (Citus's <c>block_writes</c> mode).
    /// </summary>
    /// <exception cref="StaffForbiddenException">The actor may not isolate tenants (Admins only).</exception>
    /// <exception cref="TenantIsolationException">No reason, not a Citus cluster, or already isolated.</exception>
    /// <exception cref="KeyNotFoundException">No such tenant.</exception>
    public async Task<TenantPlacement> IsolateAsync(StaffActor actor, Guid tenantId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.IsolateTenant);
        if (AuditLog.ValidateReason(reason) is { } problem)
        {
            throw new TenantIsolationException(problem);
        }

        reason = reason.Trim();

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (!await CitusDistribution.IsCitusAsync(db, cancellationToken))
        {
            throw new TenantIsolationException("This database is not a Citus cluster: tenants have no shards to isolate (decision 0006).");
        }

        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, cancellationToken))
        {
            throw new KeyNotFoundException($"No tenant has the id {tenantId}.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var before = await PlacementAsync(db, tenantId, cancellationToken);
        if (before.Isolated)
        {
            throw new TenantIsolationException($"The tenant already has shards of its own (shard {before.ShardId} on {before.Node}).");
        }

        await using (var isolate = TenantRewind.Command(db,
            $"SELECT isolate_tenant_to_new_shard('{TenantChangeConfiguration.TableName}', @tenant, 'CASCADE', shard_transfer_mode => 'block_writes')",
            tenantId, since: null))
        {
            // Several minutes for a large tenant: the copy is the work.
            isolate.CommandTimeout = (int)TimeSpan.FromHours(1).TotalSeconds;
            await isolate.ExecuteNonQueryAsync(cancellationToken);
        }

        var after = await PlacementAsync(db, tenantId, cancellationToken);
        audit.Record(db, actor, ShardingAuditActions.Isolated, tenantId, before, after, reason);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    private static async Task<TenantPlacement> PlacementAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = TenantRewind.Command(db, PlacementSql, tenantId, since: null);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Citus has no placement for {TenantChangeConfiguration.TableName}: run the distribution (dotnet run --project src/Tenancy.Admin -- distribute).");
        }

        return new TenantPlacement(reader.GetInt64(0), reader.GetString(1), reader.GetBoolean(2));
    }
}
