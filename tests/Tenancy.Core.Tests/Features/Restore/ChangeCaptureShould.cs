using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Tests.Infrastructure;
using static Tenancy.Core.Tests.Features.Restore.RestoreTestData;

namespace Tenancy.Core.Tests.Features.Restore;

/// <summary>
/// Every write to tenant data lands in <c>tenant_changes</c> whatever path made it (decision 0005):
/// the triggers the migrations install, read back through the <see cref="TenantChange"/> entity.
/// </summary>
public abstract class ChangeCaptureShould(TestDatabase database)
{
    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected TestDatabase Database => database;

    /// <summary>The trigger style the database under test has (PostgreSQL can have either).</summary>
    protected virtual CaptureStyle Style => CaptureStyle.Statement;

    [Fact]
    public void MarkExactlyTheTenantOwnedTablesForCapture()
    {
        using var db = database.CreateContext();

        var marked = ChangeCaptureSql.Tables(db.GetService<IDesignTimeModel>().Model).Select(t => t.Name);

        Assert.Equal(TenantDataTables.From(db.Model).Select(e => e.GetTableName()), marked);
    }

    [Fact]
    public async Task HaveCaptureTriggersOnEveryTenantOwnedTable()
    {
        await using var db = database.CreateContext();
        var missing = new List<string>();
        foreach (var table in TenantDataTables.From(db.Model).Select(e => e.GetTableName()!))
        {
            var installed = await TriggersOnAsync(db, table);
            missing.AddRange(ChangeCaptureSql.TriggerNames(table, database.Provider, Style).Except(installed).Select(t => $"{table}: {t}"));
        }

        Assert.Empty(missing);
    }

    [Fact]
    public async Task CaptureInsertUpdateAndDeleteThroughSaveChangesInOrder()
    {
        var tenant = await CreateTenantAsync();
        var project = new Project { TenantId = tenant, Name = "first", CreatedAt = Now, UpdatedAt = Now };
        await using (var db = database.CreateContext())
        {
            db.Projects.Add(project);
            await db.SaveChangesAsync(Cancellation);
            project.Name = "second";
            await db.SaveChangesAsync(Cancellation);
            project.Name = "third";
            await db.SaveChangesAsync(Cancellation);
            db.Projects.Remove(project);
            await db.SaveChangesAsync(Cancellation);
        }

        var changes = await ChangesAsync(tenant);

        Assert.Equal([TenantChangeOp.Insert, TenantChangeOp.Update, TenantChangeOp.Update, TenantChangeOp.Delete], changes.Select(c => c.Op));
        Assert.All(changes, c => Assert.Equal(("projects", tenant, project.Id), (c.TableName, c.TenantId, KeyId(c))));
        Assert.Null(changes[0].Before);
        Assert.Equal(["first", "second", "third"], changes.Skip(1).Select(c => Field(c.Before, "name")));
        Assert.Equal(tenant, Guid.Parse(Field(changes[1].Before, "tenant_id")!));
        Assert.True(changes.Zip(changes.Skip(1)).All(p => p.First.Seq < p.Second.Seq));
    }

    [Fact]
    public async Task CaptureRawSql()
    {
        var tenant = await CreateTenantAsync();
        await using (var db = database.CreateContext())
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO tenant_settings (tenant_id, key, value, updated_at) VALUES ({tenant}, {"locale"}, {"en"}, {Now})", Cancellation);
            await db.Database.ExecuteSqlAsync(
                $"UPDATE tenant_settings SET value = {"fr"} WHERE tenant_id = {tenant} AND key = {"locale"}", Cancellation);
        }

        var changes = await ChangesAsync(tenant);

        Assert.Equal([TenantChangeOp.Insert, TenantChangeOp.Update], changes.Select(c => c.Op));
        Assert.All(changes, c => Assert.Equal(("tenant_settings", "locale"), (c.TableName, Field(c.RowKey, "key"))));
        Assert.Equal("en", Field(changes[1].Before, "value"));
    }

    [Fact]
    public async Task CaptureExecuteUpdateAndExecuteDeleteRowByRow()
    {
        var tenant = await CreateTenantAsync();
        var project = new Project { TenantId = tenant, Name = "bulk", CreatedAt = Now, UpdatedAt = Now };
        ProjectItem[] items =
        [
            new() { TenantId = tenant, ProjectId = project.Id, Title = "a", SizeBytes = 1, CreatedAt = Now, UpdatedAt = Now },
            new() { TenantId = tenant, ProjectId = project.Id, Title = "b", SizeBytes = 2, CreatedAt = Now, UpdatedAt = Now },
        ];
        await using (var db = database.CreateContext())
        {
            db.Projects.Add(project);
            db.ProjectItems.AddRange(items);
            await db.SaveChangesAsync(Cancellation);
            await db.ProjectItems.Where(i => i.TenantId == tenant).ExecuteUpdateAsync(s => s.SetProperty(i => i.SizeBytes, i => i.SizeBytes * 10), Cancellation);
            await db.ProjectItems.Where(i => i.TenantId == tenant).ExecuteDeleteAsync(Cancellation);
        }

        var itemChanges = (await ChangesAsync(tenant)).Where(c => c.TableName == "project_items").ToList();

        Assert.Equal(6, itemChanges.Count);
        foreach (var item in items)
        {
            var ofItem = itemChanges.Where(c => KeyId(c) == item.Id).ToList();
            Assert.Equal([TenantChangeOp.Insert, TenantChangeOp.Update, TenantChangeOp.Delete], ofItem.Select(c => c.Op));
            Assert.Equal([item.SizeBytes, item.SizeBytes * 10], ofItem.Skip(1).Select(c => long.Parse(Field(c.Before, "size_bytes")!, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public async Task CaptureNothingForOtherTenants()
    {
        var tenant = await CreateTenantAsync();
        var other = await CreateTenantAsync();
        await using (var db = database.CreateContext())
        {
            db.Members.Add(new Member { TenantId = other, Email = "o@example.test", Name = "Other", CreatedAt = Now });
            await db.SaveChangesAsync(Cancellation);
        }

        Assert.Empty(await ChangesAsync(tenant));
        Assert.Equal("members", Assert.Single(await ChangesAsync(other)).TableName);
    }

    protected static DateTime Now { get; } = new(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);

    protected Task<Guid> CreateTenantAsync() => new RestoreTestData(database).CreateTenantAsync();

    /// <summary>The tenant's captured row changes one by one, in the log's order.</summary>
    protected async Task<List<TenantChangeRow>> ChangesAsync(Guid tenant)
    {
        await using var db = database.CreateContext();
        var entries = await db.TenantChanges.AsNoTracking().Where(c => c.TenantId == tenant).OrderBy(c => c.Seq).ToListAsync(Cancellation);
        return entries.SelectMany(e => e.Rows(db.Model)).ToList();
    }

    protected static Guid KeyId(TenantChangeRow change) => Guid.Parse(Field(change.RowKey, "id")!);

    private async Task<HashSet<string>> TriggersOnAsync(TenancyDbContext db, string table)
    {
        var sql = database.Provider == DatabaseProvider.Postgres
            ? "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(@table) AND NOT tgisinternal"
            : "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = @table";
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(Cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "table";
        parameter.Value = table;
        command.Parameters.Add(parameter);
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using DbDataReader reader = await command.ExecuteReaderAsync(Cancellation);
        while (await reader.ReadAsync(Cancellation))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}

public sealed class ChangeCaptureShouldOnSqlite(SqliteDatabase database)
    : ChangeCaptureShould(database), IClassFixture<SqliteDatabase>;
