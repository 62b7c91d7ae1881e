using Microsoft.Extensions.Options;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.Sharding;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Tests.Features.Restore;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Sharding;

/// <summary>Isolating a tenant refuses what it should wherever it runs; here on SQLite, which is no cluster.</summary>
public sealed class TenantShardServiceShould(SqliteDatabase database) : IClassFixture<SqliteDatabase>
{
    private static readonly StaffActor Admin = new("admin-1", "Ada Admin", null, new HashSet<StaffRole> { StaffRole.Admin });
    private static readonly StaffActor Support = new("support-1", "Sam Support", null, new HashSet<StaffRole> { StaffRole.Support });

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private TenantShardService Service => new(database.ContextFactory, new AuditLog(database.ContextFactory, TimeProvider.System));

    [Fact]
    public async Task RefuseSupportBeforeLookingAtAnything()
    {
        var error = await Assert.ThrowsAsync<StaffForbiddenException>(
            () => Service.IsolateAsync(Support, Guid.CreateVersion7(), "A large tenant slows its neighbours", Cancellation));

        Assert.Equal(StaffCapability.IsolateTenant, error.Capability);
    }

    [Fact]
    public async Task AskForAReason()
    {
        var error = await Assert.ThrowsAsync<TenantIsolationException>(() => Service.IsolateAsync(Admin, Guid.CreateVersion7(), "  big  ", Cancellation));

        Assert.Equal(AuditLog.ValidateReason("  big  "), error.Message);
    }

    [Fact]
    public async Task SayThereIsNoClusterAndPlaceNothing()
    {
        var tenant = await new RestoreTestData(database).CreateTenantAsync();

        var error = await Assert.ThrowsAsync<TenantIsolationException>(
            () => Service.IsolateAsync(Admin, tenant, "A large tenant slows its neighbours", Cancellation));

        Assert.Contains("not a Citus cluster", error.Message, StringComparison.Ordinal);
        Assert.False(await Service.IsDistributedAsync(Cancellation));
        Assert.Null(await Service.GetPlacementAsync(tenant, Cancellation));
        Assert.Empty(await new RestoreTestData(database).AuditActionsAsync(tenant));
    }
}

/// <summary>Isolating a tenant on the Citus cluster (only the Citus run of scripts/test.sh runs …OnCitus classes).</summary>
public sealed class TenantShardServiceShouldOnCitus(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly StaffActor Admin = new("admin-1", "Ada Admin", null, new HashSet<StaffRole> { StaffRole.Admin });

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private RestoreTestData Data => new(database);

    private TenantShardService Service => new(database.ContextFactory, new AuditLog(database.ContextFactory, TimeProvider.System));

    private TenantRewind Rewind => new(database.ContextFactory, Options.Create(new RestoreOptions()), TimeProvider.System);

    [Fact]
    public async Task MoveTheTenantToShardsOfItsOwnKeepingEveryRowAndAuditIt()
    {
        var tenant = await Data.CreateTenantAsync();
        var neighbour = await Data.CreateTenantAsync();
        await Data.AddProjectsAsync(tenant, "large", 20, withItem: true);
        await Data.AddProjectsAsync(neighbour, "small", 3, withItem: true);
        var tenantBefore = await Data.SnapshotAsync(tenant);
        var neighbourBefore = await Data.SnapshotAsync(neighbour);
        var placement = await Service.GetPlacementAsync(tenant, Cancellation);

        var isolated = await Service.IsolateAsync(Admin, tenant, "A large tenant slows its neighbours", Cancellation);

        Assert.NotNull(placement);
        Assert.False(placement.Isolated);
        Assert.True(isolated.Isolated);
        Assert.NotEqual(placement.ShardId, isolated.ShardId);
        Assert.Equal(isolated, await Service.GetPlacementAsync(tenant, Cancellation));
        Assert.False((await Service.GetPlacementAsync(neighbour, Cancellation))!.Isolated);
        Assert.Equal(tenantBefore, await Data.SnapshotAsync(tenant));
        Assert.Equal(neighbourBefore, await Data.SnapshotAsync(neighbour));
        Assert.Equal([ShardingAuditActions.Isolated], await Data.AuditActionsAsync(tenant));
    }

    [Fact]
    public async Task KeepCapturingAndRestoringTheTenantOnItsNewShards()
    {
        var tenant = await Data.CreateTenantAsync();
        await Data.AddProjectsAsync(tenant, "kept", 4);
        await Service.IsolateAsync(Admin, tenant, "Its own shard before a large import", Cancellation);
        var moment = await RestoreTestData.MomentAsync();
        var atMoment = await Data.SnapshotAsync(tenant);
        await Data.AddProjectsAsync(tenant, "imported", 6, withItem: true);

        await Rewind.RewindAsync(tenant, moment, "test", Cancellation);

        Assert.Equal(atMoment, await Data.SnapshotAsync(tenant));
    }

    [Fact]
    public async Task RestoreOnlyBackToWhenTheTenantsShardsMovedToAnotherWorker()
    {
        var tenant = await Data.CreateTenantAsync();
        await Data.AddProjectsAsync(tenant, "first", 3);
        var placement = await Service.IsolateAsync(Admin, tenant, "Its own shard, then a worker of its own", Cancellation);
        var beforeTheMove = await RestoreTestData.MomentAsync();
        await Data.AddProjectsAsync(tenant, "before the move", 2);

        await MoveAsync(placement);
        var moved = await Service.GetPlacementAsync(tenant, Cancellation);
        await Data.AddProjectsAsync(tenant, "after the move", 2);
        var window = await Rewind.GetWindowAsync(tenant, Cancellation);
        var refused = await Assert.ThrowsAsync<RestoreRefusedException>(() => Rewind.RewindAsync(tenant, beforeTheMove, "test", Cancellation));
        var afterTheMove = await RestoreTestData.MomentAsync();
        var atMoment = await Data.SnapshotAsync(tenant);
        await Data.AddProjectsAsync(tenant, "imported", 3, withItem: true);
        await Rewind.RewindAsync(tenant, afterTheMove, "test", Cancellation);

        Assert.NotEqual(placement.Node, moved!.Node);
        Assert.Equal(RestoreWindowLimit.ShardMove, window.LimitedBy);
        Assert.True(window.OldestRestorable > beforeTheMove, $"{window.OldestRestorable:O} should be after {beforeTheMove:O}");
        Assert.Contains("moved to another server", refused.Message, StringComparison.Ordinal);
        Assert.Equal(atMoment, await Data.SnapshotAsync(tenant));
    }

    /// <summary>Moves the tenant's shard group to the other worker, as the rebalancer would.</summary>
    private async Task MoveAsync(TenantPlacement placement)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancellation);
        var source = placement.Node.Split(':');
        await using var target = new Npgsql.NpgsqlCommand(
            "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 AND NOT (nodename = @h AND nodeport = @p) LIMIT 1", connection);
        target.Parameters.AddWithValue("h", source[0]);
        target.Parameters.AddWithValue("p", int.Parse(source[1], System.Globalization.CultureInfo.InvariantCulture));
        string host;
        int port;
        await using (var reader = await target.ExecuteReaderAsync(Cancellation))
        {
            Assert.True(await reader.ReadAsync(Cancellation), "the cluster has one worker: nowhere to move to");
            (host, port) = (reader.GetString(0), reader.GetInt32(1));
        }

        await using var move = new Npgsql.NpgsqlCommand(
            "SELECT citus_move_shard_placement(@s, @sh, @sp, @th, @tp, shard_transfer_mode => 'block_writes')", connection);
        move.Parameters.AddWithValue("s", placement.ShardId);
        move.Parameters.AddWithValue("sh", source[0]);
        move.Parameters.AddWithValue("sp", int.Parse(source[1], System.Globalization.CultureInfo.InvariantCulture));
        move.Parameters.AddWithValue("th", host);
        move.Parameters.AddWithValue("tp", port);
        await move.ExecuteNonQueryAsync(Cancellation);
    }

    [Fact]
    public async Task RefuseToIsolateATenantTwiceAndAnUnknownOne()
    {
        var tenant = await Data.CreateTenantAsync();
        await Service.IsolateAsync(Admin, tenant, "A large tenant slows its neighbours", Cancellation);

        var twice = await Assert.ThrowsAsync<TenantIsolationException>(
            () => Service.IsolateAsync(Admin, tenant, "A large tenant slows its neighbours", Cancellation));
        await Assert.ThrowsAsync<KeyNotFoundException>(
            () => Service.IsolateAsync(Admin, Guid.CreateVersion7(), "A large tenant slows its neighbours", Cancellation));

        Assert.Contains("already has shards of its own", twice.Message, StringComparison.Ordinal);
        Assert.Equal([ShardingAuditActions.Isolated], await Data.AuditActionsAsync(tenant));
    }
}
