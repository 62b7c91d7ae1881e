using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Restore;

/// <summary>
/// Rewinding one tenant to a moment gives back exactly its data at that moment, every table and
/// column, and touches no other tenant (decision 0005). The oracle is a snapshot of the tenant's
/// rows taken at the moment.
/// </summary>
public abstract class TenantRewindShould(TestDatabase database) : IAsyncLifetime
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly RestoreTestData data = new(database);

    private TenantRewind Rewind => new(database.ContextFactory, Options.Create(new RestoreOptions()), TimeProvider.System);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task GiveBackExactlyTheDataOfTheMoment()
    {
        var tenant = await data.CreateTenantAsync();
        var other = await data.CreateTenantAsync();
        var (keep, edit, drop) = (RestoreTestData.NewProject(tenant, "keep"), RestoreTestData.NewProject(tenant, "edit"), RestoreTestData.NewProject(tenant, "drop"));
        var member = new Member { TenantId = tenant, Email = "ann@example.test", Name = "Ann", CreatedAt = RestoreTestData.Start };
        await using (var db = database.CreateContext())
        {
            db.Projects.AddRange(keep, edit, drop);
            db.ProjectItems.AddRange(RestoreTestData.Item(keep, "a", 10), RestoreTestData.Item(edit, "b", 20), RestoreTestData.Item(drop, "c", 30));
            db.Members.Add(member);
            db.TenantSettings.Add(new TenantSetting { TenantId = tenant, Key = "locale", Value = "en", UpdatedAt = RestoreTestData.Start });
            db.Projects.Add(RestoreTestData.NewProject(other, "other's"));
            await db.SaveChangesAsync(Cancellation);
        }

        var moment = await RestoreTestData.MomentAsync();
        var atMoment = await data.SnapshotAsync(tenant);
        var othersBefore = await data.SnapshotAsync(other);

        // After the moment: every kind of change, through several write paths, several times.
        await using (var db = database.CreateContext())
        {
            var edited = await db.Projects.SingleAsync(p => p.TenantId == tenant && p.Id == edit.Id, Cancellation);
            edited.Name = "edited once";
            await db.SaveChangesAsync(Cancellation);
            edited.Name = "edited twice";
            await db.SaveChangesAsync(Cancellation);
            db.Projects.Add(RestoreTestData.NewProject(tenant, "added after"));
            await db.SaveChangesAsync(Cancellation);
            await db.ProjectItems.Where(i => i.TenantId == tenant).ExecuteUpdateAsync(s => s.SetProperty(i => i.SizeBytes, i => i.SizeBytes * 100), Cancellation);
            await db.Database.ExecuteSqlAsync($"DELETE FROM projects WHERE tenant_id = {tenant} AND name = {"drop"}", Cancellation);
            await db.Members.Where(m => m.TenantId == tenant).ExecuteDeleteAsync(Cancellation);
            // The same key comes back with other values: a delete and a re-insert of one row.
            db.Members.Add(new Member { TenantId = tenant, Id = member.Id, Email = "ann@example.test", Name = "Ann (re-added)", CreatedAt = RestoreTestData.Start.AddDays(1) });
            db.Members.Add(new Member { TenantId = tenant, Email = "new@example.test", Name = "New", CreatedAt = RestoreTestData.Start.AddDays(1) });
            await db.SaveChangesAsync(Cancellation);
            await db.Database.ExecuteSqlAsync($"UPDATE tenant_settings SET value = {"de"} WHERE tenant_id = {tenant}", Cancellation);
            // The other tenant keeps writing meanwhile.
            db.Projects.Add(RestoreTestData.NewProject(other, "other's, later"));
            await db.SaveChangesAsync(Cancellation);
        }

        var othersAfterTheirWrites = await data.SnapshotAsync(other);
        var preview = await Rewind.PreviewAsync(tenant, moment, Cancellation);
        var result = await Rewind.RewindAsync(tenant, moment, "test", Cancellation);

        Assert.Equal(atMoment, await data.SnapshotAsync(tenant));
        Assert.Equal(othersAfterTheirWrites, await data.SnapshotAsync(other));
        Assert.NotEqual(othersBefore, othersAfterTheirWrites);
        Assert.Equal(preview.Tables, result.Tables);
        Assert.Equal(new TableRewind("projects", Deleted: 1, Reinserted: 1, Changed: 1), result.Tables.Single(t => t.Table == "projects"));
        Assert.Equal(new TableRewind("members", Deleted: 1, Reinserted: 0, Changed: 1), result.Tables.Single(t => t.Table == "members"));
        Assert.Equal(new TableRewind("tenant_settings", Deleted: 0, Reinserted: 0, Changed: 1), result.Tables.Single(t => t.Table == "tenant_settings"));
        // Items: "c" went with its project (cascade) and comes back; "a" and "b" change back.
        Assert.Equal(new TableRewind("project_items", Deleted: 0, Reinserted: 1, Changed: 2), result.Tables.Single(t => t.Table == "project_items"));
    }

    /// <summary>
    /// A database upgraded by migration KeysInImages holds entries of updates and deletes written
    /// with their keys beside the images (before it) and without (after it); a row changed by both
    /// is still one row to a rewind. On SQLite every entry lists its keys.
    /// </summary>
    [Fact]
    public async Task RewindEntriesThatListTheirKeysAndEntriesThatLeaveThemInTheImagesAlike()
    {
        var tenant = await data.CreateTenantAsync();
        var project = RestoreTestData.NewProject(tenant, "kept");
        await using (var db = database.CreateContext())
        {
            db.Projects.Add(project);
            db.ProjectItems.AddRange(RestoreTestData.Item(project, "a", 1), RestoreTestData.Item(project, "b", 2));
            await db.SaveChangesAsync(Cancellation);
        }

        var moment = await RestoreTestData.MomentAsync();
        var atMoment = await data.SnapshotAsync(tenant);
        await using (var db = database.CreateContext())
        {
            await db.ProjectItems.Where(i => i.TenantId == tenant).ExecuteUpdateAsync(s => s.SetProperty(i => i.SizeBytes, i => i.SizeBytes + 1), Cancellation);
            await db.Projects.Where(p => p.TenantId == tenant).ExecuteUpdateAsync(s => s.SetProperty(p => p.Name, "renamed"), Cancellation);
            if (database.Provider == DatabaseProvider.Postgres)
            {
                // The entries so far as the triggers wrote them before the migration: keys listed.
                foreach (var table in ChangeCaptureSql.Tables(db.Model))
                {
                    var key = string.Join(", ", table.RowKeyColumns.Select(c => $"'{c}', (json_populate_record(NULL::\"{table.Name}\", i)).\"{c}\""));
                    var listKeys = $"UPDATE tenant_changes c SET row_keys = (SELECT json_agg(json_build_object({key})) FROM json_array_elements(c.befores) i) " +
                        $"WHERE c.tenant_id = {{0}} AND c.table_name = '{table.Name}' AND c.op IN ('U', 'D')";
                    await db.Database.ExecuteSqlRawAsync(listKeys, [tenant], Cancellation);
                }
            }

            // Then the same rows again, logged the current way.
            await db.ProjectItems.Where(i => i.TenantId == tenant && i.Title == "a").ExecuteUpdateAsync(s => s.SetProperty(i => i.Title, "a, renamed"), Cancellation);
            await db.Projects.Where(p => p.TenantId == tenant).ExecuteDeleteAsync(Cancellation);
        }

        var preview = await Rewind.PreviewAsync(tenant, moment, Cancellation);
        await Rewind.RewindAsync(tenant, moment, "test", Cancellation);

        Assert.Equal(atMoment, await data.SnapshotAsync(tenant));
        Assert.Equal(new TableRewind("project_items", Deleted: 0, Reinserted: 2, Changed: 0), preview.Tables.Single(t => t.Table == "project_items"));
        Assert.Equal(new TableRewind("projects", Deleted: 0, Reinserted: 1, Changed: 0), preview.Tables.Single(t => t.Table == "projects"));
    }

    /// <summary>
    /// A preview's sample rows show each row as it was at the moment and as it is now: a changed
    /// row both, a row added since only now, a row gone since only then. Rows changed and changed
    /// back are not samples. The oracle is what the test wrote.
    /// </summary>
    [Fact]
    public async Task SampleTheRowsARewindWouldChangeWithTheirValuesThenAndNow()
    {
        var tenant = await data.CreateTenantAsync();
        var (edit, drop, same) = (RestoreTestData.NewProject(tenant, "edit"), RestoreTestData.NewProject(tenant, "drop"), RestoreTestData.NewProject(tenant, "same"));
        await using (var db = database.CreateContext())
        {
            db.Projects.AddRange(edit, drop, same);
            await db.SaveChangesAsync(Cancellation);
        }

        var moment = await RestoreTestData.MomentAsync();
        var added = RestoreTestData.NewProject(tenant, "added");
        await using (var db = database.CreateContext())
        {
            await db.Projects.Where(p => p.TenantId == tenant && p.Name == "edit").ExecuteUpdateAsync(s => s.SetProperty(p => p.Name, "edited"), Cancellation);
            await db.Projects.Where(p => p.TenantId == tenant && p.Name == "same").ExecuteUpdateAsync(s => s.SetProperty(p => p.Name, "briefly renamed"), Cancellation);
            await db.Projects.Where(p => p.TenantId == tenant && p.Name == "briefly renamed").ExecuteUpdateAsync(s => s.SetProperty(p => p.Name, "same"), Cancellation);
            await db.Projects.Where(p => p.TenantId == tenant && p.Name == "drop").ExecuteDeleteAsync(Cancellation);
            db.Projects.Add(added);
            await db.SaveChangesAsync(Cancellation);
        }

        var preview = await Rewind.PreviewAsync(tenant, moment, Cancellation);

        var samples = preview.Samples["projects"]
            .Select(s => (Guid.Parse(RestoreTestData.Field(s.Key, "id")!), RestoreTestData.Field(s.Then, "name"), RestoreTestData.Field(s.Now, "name")))
            .OrderBy(s => s.Item2)
            .ToList();
        Assert.Equal(
            new[] { (added.Id, (string?)null, (string?)"added"), (drop.Id, "drop", null), (edit.Id, "edit", "edited") }.OrderBy(s => s.Item2),
            samples);
        Assert.Equal(new TableRewind("projects", Deleted: 1, Reinserted: 1, Changed: 1), preview.Tables.Single(t => t.Table == "projects"));
    }

    [Fact]
    public async Task PreviewWithoutChangingAnything()
    {
        var tenant = await data.CreateTenantAsync();
        var moment = await RestoreTestData.MomentAsync();
        await using (var db = database.CreateContext())
        {
            db.Projects.Add(RestoreTestData.NewProject(tenant, "added after"));
            await db.SaveChangesAsync(Cancellation);
        }

        var before = await data.SnapshotAsync(tenant);
        var changes = await data.ChangeCountAsync(tenant);

        var preview = await Rewind.PreviewAsync(tenant, moment, Cancellation);

        Assert.Equal(1, preview.Tables.Single(t => t.Table == "projects").Deleted);
        Assert.Equal(before, await data.SnapshotAsync(tenant));
        Assert.Equal(changes, await data.ChangeCountAsync(tenant));
    }

    [Fact]
    public async Task UndoARewindByRewindingToTheMomentBeforeIt()
    {
        var tenant = await data.CreateTenantAsync();
        await using (var db = database.CreateContext())
        {
            db.Projects.Add(RestoreTestData.NewProject(tenant, "original"));
            await db.SaveChangesAsync(Cancellation);
        }

        var moment = await RestoreTestData.MomentAsync();
        await using (var db = database.CreateContext())
        {
            await db.Projects.Where(p => p.TenantId == tenant).ExecuteUpdateAsync(s => s.SetProperty(p => p.Name, "imported"), Cancellation);
            db.Projects.Add(RestoreTestData.NewProject(tenant, "imported too"));
            await db.SaveChangesAsync(Cancellation);
        }

        var beforeRewind = await data.SnapshotAsync(tenant);
        var justBeforeRewind = await RestoreTestData.MomentAsync();
        await Rewind.RewindAsync(tenant, moment, "test", Cancellation);
        var afterRewind = await data.SnapshotAsync(tenant);

        await Rewind.RewindAsync(tenant, justBeforeRewind, "test: undo", Cancellation);

        Assert.NotEqual(beforeRewind, afterRewind);
        Assert.Equal(beforeRewind, await data.SnapshotAsync(tenant));

        // And the undo is undone the same way: back to the rewound state.
        var justBeforeUndo = await RestoreTestData.MomentAsync();
        await using (var db = database.CreateContext())
        {
            Assert.Equal(2, await db.Projects.CountAsync(p => p.TenantId == tenant, Cancellation));
        }

        await Rewind.RewindAsync(tenant, moment, "test: again", Cancellation);
        Assert.Equal(afterRewind, await data.SnapshotAsync(tenant));
        Assert.True(justBeforeUndo > moment);
    }

    [Fact]
    public async Task RefuseAMomentInTheFutureOrAnUnknownTenantAndChangeNothing()
    {
        var tenant = await data.CreateTenantAsync();
        var changes = await data.ChangeCountAsync(tenant);

        var future = await Assert.ThrowsAsync<RestoreRefusedException>(() => Rewind.RewindAsync(tenant, DateTime.UtcNow.AddMinutes(5), "test", Cancellation));
        var unknown = await Assert.ThrowsAsync<RestoreRefusedException>(() => Rewind.PreviewAsync(Guid.NewGuid(), DateTime.UtcNow.AddMinutes(-5), Cancellation));

        Assert.Contains("in the future", future.Message, StringComparison.Ordinal);
        Assert.Contains("No tenant", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(changes, await data.ChangeCountAsync(tenant));
    }

    [Fact]
    public async Task RefuseAMomentBeforeTheTenantsDataWasBulkLoadedWithoutCapture()
    {
        var tenant = await data.CreateTenantAsync();
        var beforeLoad = await RestoreTestData.MomentAsync();
        await using (var db = database.CreateContext())
        {
            // What the seed command records for each tenant it loads without capture.
            var tenantValue = database.Provider == DatabaseProvider.Postgres ? (object)new[] { tenant } : tenant.ToString().ToUpperInvariant();
            var parameter = database.Provider == DatabaseProvider.Postgres ? "tenants" : "tenant";
            await using var command = db.Database.GetDbConnection().CreateCommand();
            await db.Database.OpenConnectionAsync(Cancellation);
            command.CommandText = ChangeCaptureSql.HistoryStartSql(database.Provider);
            var p = command.CreateParameter();
            p.ParameterName = parameter;
            p.Value = tenantValue;
            command.Parameters.Add(p);
            await command.ExecuteNonQueryAsync(Cancellation);
        }

        var afterLoad = await RestoreTestData.MomentAsync();

        var refused = await Assert.ThrowsAsync<RestoreRefusedException>(() => Rewind.PreviewAsync(tenant, beforeLoad, Cancellation));
        Assert.Contains("bulk-loaded without capture", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await Rewind.PreviewAsync(tenant, afterLoad, Cancellation)).Total);
    }
}

public sealed class TenantRewindShouldOnPostgres(PostgresDatabase database)
    : TenantRewindShould(database), IClassFixture<PostgresDatabase>;

public sealed class TenantRewindShouldOnSqlite(SqliteDatabase database)
    : TenantRewindShould(database), IClassFixture<SqliteDatabase>;
