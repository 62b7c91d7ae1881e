using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Tests.Infrastructure;
using static Tenancy.Core.Tests.Features.Restore.RestoreTestData;

namespace Tenancy.Core.Tests.Features.Restore;

/// <summary>What only PostgreSQL has: binary COPY, the actor setting, the transaction id and the restore freeze.</summary>
public class ChangeCaptureShouldOnPostgres(PostgresDatabase database)
    : ChangeCaptureShould(database), IClassFixture<PostgresDatabase>
{
    /// <summary>What the migrations install, or on a Citus cluster what its distribution installs instead (decision 0006).</summary>
    protected override CaptureStyle Style => PostgresServer.IsCitus ? CaptureStyle.Row : CaptureStyle.Statement;

    [Fact]
    public async Task CaptureBinaryCopy()
    {
        var tenant = await CreateTenantAsync();
        Guid[] ids = [Guid.CreateVersion7(), Guid.CreateVersion7()];
        await using (var connection = new NpgsqlConnection(Database.ConnectionString))
        {
            await connection.OpenAsync(Cancellation);
            await using var importer = await connection.BeginBinaryImportAsync(
                "COPY members (tenant_id, id, email, name, role, created_at) FROM STDIN (FORMAT BINARY)", Cancellation);
            foreach (var id in ids)
            {
                await importer.StartRowAsync(Cancellation);
                await importer.WriteAsync(tenant, NpgsqlDbType.Uuid, Cancellation);
                await importer.WriteAsync(id, NpgsqlDbType.Uuid, Cancellation);
                await importer.WriteAsync($"{id:N}@example.test", NpgsqlDbType.Varchar, Cancellation);
                await importer.WriteAsync("Copied", NpgsqlDbType.Varchar, Cancellation);
                await importer.WriteAsync(nameof(MemberRole.Member), NpgsqlDbType.Varchar, Cancellation);
                await importer.WriteAsync(Now, NpgsqlDbType.TimestampTz, Cancellation);
            }

            await importer.CompleteAsync(Cancellation);
        }

        var changes = await ChangesAsync(tenant);

        Assert.Equal(ids.Order(), changes.Select(KeyId).Order());
        Assert.All(changes, c => Assert.Equal(("members", TenantChangeOp.Insert), (c.TableName, c.Op)));
        Assert.Single(changes.Select(c => c.TransactionId).Distinct());
    }

    /// <summary>
    /// An update's or a delete's entry logs its rows' before-images and no keys
    /// (<see cref="ChangeCaptureSql.KeysInImages"/>); the key a rewind reads back from an image
    /// must be the same text as the key the row's insert logged, or a rewind would take one row's
    /// changes for two rows'. Every captured table, keys of uuid and of text with characters JSON escapes.
    /// </summary>
    [Fact]
    public async Task LogTheKeysOfUpdatesAndDeletesOnlyInTheirImagesAsTheTextTheInsertLogged()
    {
        var tenant = await CreateTenantAsync();
        await using (var db = Database.CreateContext())
        {
            var project = RestoreTestData.NewProject(tenant, "keys");
            db.Projects.Add(project);
            db.ProjectItems.AddRange(RestoreTestData.Item(project, "one", 1), RestoreTestData.Item(project, "two", 2));
            db.Members.Add(new Member { TenantId = tenant, Email = "keys@example.test", Name = "Keys", CreatedAt = Now });
            db.TenantSettings.Add(new TenantSetting { TenantId = tenant, Key = "quote\" back\\slash ü\u0001", Value = "v", UpdatedAt = Now });
            db.TenantSettings.Add(new TenantSetting { TenantId = tenant, Key = "plain", Value = "v", UpdatedAt = Now });
            await db.SaveChangesAsync(Cancellation);
        }

        await using var write = Database.CreateContext();
        var tables = ChangeCaptureSql.Tables(write.Model);
        foreach (var table in tables)
        {
            // A statement of several rows and one of a single row, then the deletes, children first.
            var update = $"UPDATE \"{table.Name}\" SET tenant_id = tenant_id WHERE tenant_id = {{0}}";
            await write.Database.ExecuteSqlRawAsync(update, [tenant], Cancellation);
        }

        await write.Database.ExecuteSqlRawAsync("UPDATE tenant_settings SET value = 'w' WHERE tenant_id = {0} AND key = 'plain'", [tenant], Cancellation);
        foreach (var table in Enumerable.Reverse(TenantRewind.ParentsFirst(write.Model)))
        {
            var delete = $"DELETE FROM \"{table.Name}\" WHERE tenant_id = {{0}}";
            await write.Database.ExecuteSqlRawAsync(delete, [tenant], Cancellation);
        }

        foreach (var table in tables)
        {
            var inserted = await write.Database.SqlQueryRaw<string>(
                "SELECT k AS \"Value\" FROM tenant_changes c, json_array_elements_text(c.row_keys) k WHERE c.tenant_id = {0} AND c.table_name = {1} AND c.op = 'I'",
                tenant, table.Name).ToListAsync(Cancellation);
            var keysOfImages = $"SELECT {ChangeCaptureSql.KeyFromImageSql(table, "i")} AS \"Value\" FROM tenant_changes c, json_array_elements(c.befores) i " +
                "WHERE c.tenant_id = {0} AND c.table_name = {1} AND c.op IN ('U', 'D')";
            var fromImages = await write.Database.SqlQueryRaw<string>(keysOfImages, tenant, table.Name).ToListAsync(Cancellation);
            var listedBesideImages = await write.Database.SqlQueryRaw<int>(
                "SELECT count(*)::int AS \"Value\" FROM tenant_changes c WHERE c.tenant_id = {0} AND c.table_name = {1} AND c.op IN ('U', 'D') AND json_array_length(c.row_keys) > 0",
                tenant, table.Name).SingleAsync(Cancellation);

            Assert.NotEmpty(inserted);
            Assert.Equal(0, listedBesideImages);
            // Each row was updated at least once and deleted once: every image's key is an inserted row's key, text for text.
            Assert.Equal(inserted.Order(StringComparer.Ordinal), fromImages.Distinct().Order(StringComparer.Ordinal));
        }

        var rows = await ChangesAsync(tenant);
        // TenantChange.Rows reads the keys from the images too.
        Assert.All(rows.Where(r => r.TableName == "tenant_settings" && r.Before is not null), r => Assert.Equal(Field(r.Before, "key"), Field(r.RowKey, "key")));
        Assert.Contains(rows, r => r.TableName == "tenant_settings" && Field(r.RowKey, "key") == "quote\" back\\slash ü\u0001" && r.Op == TenantChangeOp.Delete);
    }

    [Fact]
    public async Task LogABulkStatementInEntriesOfAtMostTheLimitWithEachKeyBesideItsOwnImage()
    {
        var tenant = await CreateTenantAsync();
        var rows = ChangeCaptureSql.RowsPerEntry * 2 + 500;
        await using (var db = Database.CreateContext())
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO tenant_settings (tenant_id, key, value, updated_at) SELECT {tenant}, 'k' || g, 'v' || g, now() FROM generate_series(1, {rows}) g",
                Cancellation);
            await db.Database.ExecuteSqlAsync($"UPDATE tenant_settings SET value = value || '!' WHERE tenant_id = {tenant}", Cancellation);
        }

        await using var read = Database.CreateContext();
        var entries = await read.TenantChanges.AsNoTracking().Where(c => c.TenantId == tenant).OrderBy(c => c.Seq).ToListAsync(Cancellation);
        var updated = entries.Where(e => e.Op == TenantChangeOp.Update).ToList();

        Assert.All(entries, e => Assert.InRange(e.RowCount, 1, ChangeCaptureSql.RowsPerEntry));
        Assert.Equal(Style == CaptureStyle.Statement ? 3 : rows, updated.Count);
        Assert.Equal(rows, updated.Sum(e => e.RowCount));
        var changes = updated.SelectMany(e => e.Rows(read.Model)).ToList();
        Assert.Equal(rows, changes.Select(c => Field(c.RowKey, "key")).Distinct().Count());
        Assert.All(changes, c => Assert.Equal("v" + Field(c.RowKey, "key")![1..], Field(c.Before, "value")));
    }

    [Fact]
    public async Task RecordTheActorWhenTheWriterSetsIt()
    {
        var tenant = await CreateTenantAsync();
        await using (var db = Database.CreateContext())
        {
            await using (var transaction = await db.Database.BeginTransactionAsync(Cancellation))
            {
                await db.Database.ExecuteSqlRawAsync("SET LOCAL tenancy.actor = 'staff:alice'", Cancellation);
                db.TenantSettings.Add(new TenantSetting { TenantId = tenant, Key = "tz", Value = "UTC", UpdatedAt = Now });
                await db.SaveChangesAsync(Cancellation);
                await transaction.CommitAsync(Cancellation);
            }

            // The same session afterwards: the setting ended with its transaction.
            await db.TenantSettings.Where(s => s.TenantId == tenant).ExecuteUpdateAsync(s => s.SetProperty(x => x.Value, "CET"), Cancellation);
        }

        var changes = await ChangesAsync(tenant);

        Assert.Equal(["staff:alice", null], changes.Select(c => c.Actor));
        Assert.All(changes, c => Assert.NotNull(c.TransactionId));
    }

    [Fact]
    public async Task RejectWritesWhileTheTenantIsFrozenAndLetOtherTenantsWrite()
    {
        var tenant = await CreateTenantAsync();
        var other = await CreateTenantAsync();
        await using var restore = await FreezeAsync(tenant);

        await using var db = Database.CreateContext();
        db.Members.Add(new Member { TenantId = tenant, Email = "frozen@example.test", Name = "Frozen", CreatedAt = Now });
        var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Cancellation));
        db.ChangeTracker.Clear();
        db.Members.Add(new Member { TenantId = other, Email = "free@example.test", Name = "Free", CreatedAt = Now });
        await db.SaveChangesAsync(Cancellation);

        var postgres = Assert.IsType<PostgresException>(error.InnerException);
        Assert.Equal(ChangeCaptureSql.BeingRestoredSqlState, postgres.SqlState);
        Assert.Contains("being restored", postgres.MessageText, StringComparison.Ordinal);
        Assert.Empty(await ChangesAsync(tenant));
    }

    [Fact]
    public async Task RejectABulkStatementThatTouchesAFrozenTenantAndLetOneOfOtherTenantsThrough()
    {
        var tenant = await CreateTenantAsync();
        var other = await CreateTenantAsync();
        await using (var seed = Database.CreateContext())
        {
            foreach (var (owner, i) in new[] { tenant, tenant, other, other }.Select((t, i) => (t, i)))
            {
                seed.Members.Add(new Member { TenantId = owner, Email = $"bulk{i}@example.test", Name = $"Bulk {i}", CreatedAt = Now });
            }

            await seed.SaveChangesAsync(Cancellation);
        }

        var before = (await ChangesAsync(tenant)).Count;
        await using var restore = await FreezeAsync(tenant);

        // One UPDATE of four rows, two of them the frozen tenant's: the bulk path of the trigger.
        await using var db = Database.CreateContext();
        var error = await Assert.ThrowsAsync<PostgresException>(() => db.Members
            .Where(m => m.TenantId == tenant || m.TenantId == other)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Name, "Renamed"), Cancellation));
        var passed = await db.Members.Where(m => m.TenantId == other).ExecuteUpdateAsync(s => s.SetProperty(m => m.Name, "Renamed"), Cancellation);

        Assert.Equal(ChangeCaptureSql.BeingRestoredSqlState, error.SqlState);
        Assert.Equal(2, passed);
        Assert.Equal(before, (await ChangesAsync(tenant)).Count);
        Assert.DoesNotContain(await db.Members.Where(m => m.TenantId == tenant).Select(m => m.Name).ToListAsync(Cancellation), n => n == "Renamed");
    }

    /// <summary>Takes <paramref name="tenant"/>'s freeze lock as a restore does, on a connection of its own, until it is disposed.</summary>
    private async Task<NpgsqlConnection> FreezeAsync(Guid tenant)
    {
        var restore = new NpgsqlConnection(Database.ConnectionString);
        await restore.OpenAsync(Cancellation);
        var freeze = await restore.BeginTransactionAsync(Cancellation);
        await using var take = new NpgsqlCommand(ChangeCaptureSql.FreezeTenantSql, restore, freeze);
        take.Parameters.AddWithValue("tenant", tenant);
        await take.ExecuteNonQueryAsync(Cancellation);
        return restore;
    }

    [Fact]
    public async Task PartitionTheLogByWeek()
    {
        await using var db = Database.CreateContext();
        var partitions = await db.Database.SqlQueryRaw<string>(
            "SELECT c.relname AS \"Value\" FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid " +
            "WHERE i.inhparent = 'tenant_changes'::regclass ORDER BY 1").ToListAsync(Cancellation);

        Assert.Contains("tenant_changes_default", partitions);
        Assert.Equal(TenantChangePartitions.WeeksAhead + 1, partitions.Count(p => p.StartsWith("tenant_changes_w", StringComparison.Ordinal)));
    }
}

/// <summary>The same captures with the row-level triggers a Citus cluster needs (decision 0005).</summary>
public sealed class RowLevelChangeCaptureShouldOnPostgres(RowLevelCapturePostgresDatabase database)
    : ChangeCaptureShouldOnPostgres(database), IClassFixture<RowLevelCapturePostgresDatabase>
{
    protected override CaptureStyle Style => CaptureStyle.Row;
}

/// <summary>A migrated PostgreSQL database whose capture triggers are re-installed row-level.</summary>
public sealed class RowLevelCapturePostgresDatabase : PostgresDatabase
{
    protected override async Task<string> CreateAsync(CancellationToken cancellationToken)
    {
        var connectionString = await base.CreateAsync(cancellationToken);
        if (PostgresServer.IsCitus)
        {
            // Row-level already: the only capture a Citus cluster has (CitusDistribution).
            return connectionString;
        }

        await using var db = TenancyDatabase.Create(DatabaseProvider.Postgres, connectionString);
        await db.Database.ExecuteSqlRawAsync(
            ChangeCaptureSql.Install(db.GetService<IDesignTimeModel>().Model, DatabaseProvider.Postgres, CaptureStyle.Row),
            cancellationToken);
        return connectionString;
    }
}
