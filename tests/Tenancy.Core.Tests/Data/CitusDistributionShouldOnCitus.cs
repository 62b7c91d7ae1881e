using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using Tenancy.Core.Data;
using Tenancy.Core.Data.Citus;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Data;

/// <summary>
/// A migrated database distributed on the Citus cluster (decision 0006). Only the Citus run of
/// scripts/test.sh runs these (classes named …OnCitus); on plain PostgreSQL they would fail.
/// </summary>
public sealed class CitusDistributionShouldOnCitus(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly Guid Tenant = Guid.Parse("0194a5d2-0000-7000-8000-00000000c175");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void RunOnTheCitusCluster()
    {
        Assert.True(PostgresServer.IsCitus, $"{PostgresServer.CitusWorkersVariable} is not set: run these on the Citus cluster (scripts/test.sh does).");
    }

    [Fact]
    public async Task PlaceEveryTableAsPlanned()
    {
        await using var db = database.CreateContext();
        var model = db.GetService<IDesignTimeModel>().Model;

        var distributed = await database.QueryAsync(
            "SELECT logicalrelid::regclass::text || ':' || partmethod::text || ':' || colocationid FROM pg_dist_partition p WHERE NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = p.logicalrelid) ORDER BY 1");

        var planned = CitusDistribution.PlanFor(model).Where(t => t.Placement == TablePlacement.DistributedByTenant).Select(t => t.Table)
            .Append("tenant_rewind_rows").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(planned, distributed.Select(d => d.Split(':')[0]).Order(StringComparer.Ordinal));
        Assert.All(distributed, d => Assert.Equal("h", d.Split(':')[1]));
        Assert.Single(distributed.Select(d => d.Split(':')[2]).Distinct());
    }

    [Fact]
    public async Task CaptureWithRowLevelTriggersOnEveryShardedTable()
    {
        await using var db = database.CreateContext();
        var model = db.GetService<IDesignTimeModel>().Model;

        var triggers = await database.QueryAsync(
            "SELECT tgrelid::regclass::text || ':' || tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE '%\\_capture%' ORDER BY 1");

        var expected = TenantDataTables.From(model).Select(e => e.GetTableName()!)
            .Select(t => $"{t}:{ChangeCaptureSql.TriggerNames(t, DatabaseProvider.Postgres, CaptureStyle.Row)[0]}");
        Assert.Equal(expected.Order(StringComparer.Ordinal), triggers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RouteEachPerTenantStatementToOneShard()
    {
        await using var db = database.CreateContext();
        var statements = new Dictionary<string, string>
        {
            ["seat count"] = db.Members.Where(m => m.TenantId == Tenant).Select(m => m.Id).ToQueryString(),
            ["project count"] = db.Projects.Where(p => p.TenantId == Tenant).Select(p => p.Id).ToQueryString(),
            ["storage"] = db.ProjectItems.Where(i => i.TenantId == Tenant).Select(i => i.SizeBytes).ToQueryString(),
            ["history start"] = db.TenantChanges.Where(c => c.TenantId == Tenant && c.Op == TenantChangeOp.HistoryStart).Select(c => c.ChangedAt).ToQueryString(),
            ["freeze"] = ChangeCaptureSql.FreezeTenantSql,
            ["clock"] = ChangeCaptureSql.TenantClockSql,
            ["collect"] = RewindSql.CollectRows(RewindDialect.Citus, ChangeCaptureSql.Tables(db.Model)),
            ["drop rows"] = RewindSql.DropRows(RewindDialect.Citus),
        };
        foreach (var table in TenantRewind.ParentsFirst(db.GetService<IDesignTimeModel>().Model))
        {
            statements[$"count {table.Name}"] = RewindSql.Count(table, RewindDialect.Citus);
            statements[$"sample {table.Name}"] = RewindSql.Sample(table, RewindDialect.Citus, 5);
            statements[$"delete {table.Name}"] = RewindSql.Delete(table, RewindDialect.Citus);
            statements[$"insert {table.Name}"] = RewindSql.Insert(table, RewindDialect.Citus);
            if (RewindSql.Update(table, RewindDialect.Citus) is { Length: > 0 } update)
            {
                statements[$"update {table.Name}"] = update;
            }
        }

        var fannedOut = new List<string>();
        foreach (var (name, sql) in statements)
        {
            var plan = await ExplainAsync(sql);
            if (!plan.Contains("Task Count: 1\n", StringComparison.Ordinal) || plan.Contains("Task Count: 8", StringComparison.Ordinal))
            {
                fannedOut.Add($"{name}:\n{plan}");
            }
        }

        Assert.Empty(fannedOut);
    }

    [Fact]
    public async Task ChangeNothingWhenAppliedAgain()
    {
        await using var db = database.CreateContext();

        var report = await CitusDistribution.ApplyAsync(db, Cancellation);

        Assert.True(report.IsCitus);
        Assert.Empty(report.TablesDistributed);
        Assert.False(report.CaptureTriggersInstalled);
    }

    /// <summary>EXPLAIN of <paramref name="sql"/> with its parameters bound: the tenant, a moment, a number.</summary>
    private async Task<string> ExplainAsync(string sql)
    {
        // EF's query strings declare their parameters in comment lines (-- @name='value'): inline them.
        var lines = sql.Split('\n');
        var body = string.Join('\n', lines.Where(l => !l.StartsWith("-- @", StringComparison.Ordinal)));
        foreach (var line in lines.Where(l => l.StartsWith("-- @", StringComparison.Ordinal)))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            body = body.Replace(line[3..equals], line[(equals + 1)..].Trim(), StringComparison.Ordinal);
        }

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancellation);
        await using var transaction = await connection.BeginTransactionAsync(Cancellation);
        await using var command = new NpgsqlCommand("EXPLAIN " + body, connection, transaction);
        command.Parameters.AddWithValue("tenant", Tenant);
        if (body.Contains("@since", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("since", DateTime.UtcNow.AddHours(-1));
        }

        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var plan = new System.Text.StringBuilder();
        while (await reader.ReadAsync(Cancellation))
        {
            plan.Append(reader.GetString(0).Trim()).Append('\n');
        }

        return plan.ToString();
    }

}
