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
