using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Restore;

/// <summary>The change log keeps <see cref="RestoreOptions.Retention"/> and no more (decision 0005).</summary>
public abstract class ChangeLogPurgeShould(TestDatabase database)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void KeepThirtyFiveDaysByDefault() => Assert.Equal(TimeSpan.FromDays(35), new RestoreOptions().Retention);

    [Fact]
    public async Task KeepChangesInsideTheRetentionAndPurgeThemOnceItHasPassed()
    {
        var tenant = await CreateTenantWithAChangeAsync();
        var writtenAt = (await SingleChangeAsync(tenant))!.ChangedAt;

        // The class's other tests may have left partitions or rows of their own that this purge
        // takes; what matters here is that this tenant's change, inside the retention, stays.
        await PurgeAt(writtenAt.AddDays(34)).PurgeAsync(Cancellation);
        Assert.NotNull(await SingleChangeAsync(tenant));

        // A week past the retention: a PostgreSQL partition goes only once all of its week is out.
        var late = await PurgeAt(writtenAt.AddDays(35 + 8)).PurgeAsync(Cancellation);
        Assert.Null(await SingleChangeAsync(tenant));

        Assert.True(database.Provider == DatabaseProvider.Postgres ? late.PartitionsDropped >= 1 : late.RowsDeleted >= 1);
    }

    protected ChangeLogPurge PurgeAt(DateTime now, int batchSize = 5_000) =>
        new(database.ContextFactory,
            Options.Create(new RestoreOptions { PurgeBatchSize = batchSize }),
            new FakeTimeProvider(new DateTimeOffset(now, TimeSpan.Zero)));

    /// <summary>A tenant with exactly one captured change (a member added).</summary>
    protected async Task<Guid> CreateTenantWithAChangeAsync()
    {
        var data = new RestoreTestData(database);
        var id = await data.CreateTenantAsync();
        await using var db = database.CreateContext();
        db.Members.Add(new Member { TenantId = id, Email = $"member-{id:N}@example.test", Name = "Member", CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync(Cancellation);
        return id;
    }

    protected async Task<TenantChange?> SingleChangeAsync(Guid tenant)
    {
        await using var db = database.CreateContext();
        return await db.TenantChanges.AsNoTracking().SingleOrDefaultAsync(c => c.TenantId == tenant, Cancellation);
    }
}

public sealed class ChangeLogPurgeShouldOnPostgres(PostgresDatabase database)
    : ChangeLogPurgeShould(database), IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task CreateTheComingWeeksPartitions()
    {
        var inAMonth = DateTime.UtcNow.AddDays(30);

        await PurgeAt(inAMonth).PurgeAsync(TestContext.Current.CancellationToken);

        await using var db = database.CreateContext();
        var monday = inAMonth.Date.AddDays(-(((int)inAMonth.DayOfWeek + 6) % 7));
        for (var week = 0; week <= TenantChangePartitions.WeeksAhead; week++)
        {
            var name = $"tenant_changes_w{monday.AddDays(7 * week):yyyyMMdd}";
            Assert.True(
                await db.Database.SqlQueryRaw<bool>("SELECT to_regclass({0}) IS NOT NULL AS \"Value\"", name).SingleAsync(TestContext.Current.CancellationToken),
                name);
        }
    }

    [Fact]
    public async Task DeleteOldRowsThatLandedInTheDefaultPartition()
    {
        var tenant = Guid.CreateVersion7();
        var old = new DateTime(2020, 1, 6, 0, 0, 0, DateTimeKind.Utc);
        await using (var db = database.CreateContext())
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO tenant_changes (tenant_id, changed_at, table_name, op, row_count, row_keys) VALUES ({tenant}, {old}, 'members', 'I', 1, '[{{}}]')",
                TestContext.Current.CancellationToken);
        }

        var result = await PurgeAt(old.AddDays(60)).PurgeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, result.RowsDeleted);
        Assert.Null(await SingleChangeAsync(tenant));
    }
}

public sealed class ChangeLogPurgeShouldOnSqlite(SqliteDatabase database)
    : ChangeLogPurgeShould(database), IClassFixture<SqliteDatabase>
{
    [Fact]
    public async Task DeleteInBatchesUntilNothingOldIsLeft()
    {
        Guid[] tenants = [await CreateTenantWithAChangeAsync(), await CreateTenantWithAChangeAsync(), await CreateTenantWithAChangeAsync()];

        var result = await PurgeAt(DateTime.UtcNow.AddDays(40), batchSize: 2).PurgeAsync(TestContext.Current.CancellationToken);

        Assert.True(result.RowsDeleted >= tenants.Length);
        foreach (var tenant in tenants)
        {
            Assert.Null(await SingleChangeAsync(tenant));
        }
    }
}
