using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.TenantData;

namespace Tenancy.Core.Data.Citus;

/// <summary>
/// How the schema sits on a Citus cluster (decision 0006), derived from the EF model: every
/// tenant-owned table (<see cref="ITenantOwned"/>) and the change log are sharded by
/// <c>tenant_id</c> and colocated; every other table is declared below, in one place, and stays
/// on the coordinator. <see cref="ApplyAsync"/> puts a migrated database into that shape,
/// idempotently, after every migration run: a table a later migration adds is distributed the
/// next time it runs, and a table nobody decided on fails the plan (and a test) instead of
/// silently staying on the coordinator.
/// </summary>
public static class CitusDistribution
{
    /// <summary>The tables that are not tenant data, and where they live. A new control-plane table is added here.</summary>
    private static readonly Dictionary<string, TablePlacement> Declared = new(StringComparer.Ordinal)
    {
        // The control plane: one row or a few per tenant, browsed, counted and locked by staff
        // pages and background work. On the coordinator it behaves exactly as on one server.
        ["tenants"] = TablePlacement.Coordinator,
        ["tenant_slugs"] = TablePlacement.Coordinator,
        ["plans"] = TablePlacement.Coordinator,
        ["plan_quotas"] = TablePlacement.Coordinator,
        ["tenant_quota_sets"] = TablePlacement.Coordinator,
        ["tenant_quota_overrides"] = TablePlacement.Coordinator,
        ["usage_counters"] = TablePlacement.Coordinator,
        ["usage_buckets"] = TablePlacement.Coordinator, // the rollup's queue, claimed with SKIP LOCKED
        ["usage_flushes"] = TablePlacement.Coordinator,
        ["usage_watermarks"] = TablePlacement.Coordinator,
        ["quota_pressure"] = TablePlacement.Coordinator, // ordered across all tenants by the fleet page
        ["usage_api_keys"] = TablePlacement.Coordinator,
        ["usage_ingest_ids"] = TablePlacement.Coordinator,
        ["tenant_billing"] = TablePlacement.Coordinator,
        ["suspensions"] = TablePlacement.Coordinator,
        ["tenant_notes"] = TablePlacement.Coordinator, // staff notes, never rewound by a restore; the pinned one in every tenant page's header
        ["restore_jobs"] = TablePlacement.Coordinator,
        ["stripe_events"] = TablePlacement.Coordinator,
        ["audit_log"] = TablePlacement.Coordinator,
        ["data_protection_keys"] = TablePlacement.Coordinator,

        // The change log grows with every write of tenant data and is read one tenant at a
        // time: beside that tenant's rows, so the capture trigger writes to its own shard.
        [TenantChangeConfiguration.TableName] = TablePlacement.DistributedByTenant,

        // Usage over time: hundreds of rows per tenant, read one tenant at a time by its charts
        // (decision 0008). Control plane in meaning (never rewound), tenant data in size.
        ["usage_days"] = TablePlacement.DistributedByTenant,
    };

    /// <summary>Session advisory lock that serialises <see cref="ApplyAsync"/> across instances ("citusdst").</summary>
    private const long ApplyLockKey = 0x6369747573647374;

    /// <summary>The distribution column of every distributed table.</summary>
    public const string DistributionColumn = "tenant_id";

    /// <summary>Every table of <paramref name="model"/> with its placement; throws naming the tables no one decided on.</summary>
    public static IReadOnlyList<TableDistribution> PlanFor(IReadOnlyModel model)
    {
        var undecided = Undecided(model);
        if (undecided.Count > 0)
        {
            throw new InvalidOperationException(
                $"No Citus placement for {string.Join(", ", undecided)}: a tenant-owned table implements ITenantOwned; " +
                "any other table is declared in CitusDistribution.Declared (decision 0006).");
        }

        return Tables(model)
            .Select(t => new TableDistribution(t.Name, t.TenantOwned ? TablePlacement.DistributedByTenant : Declared[t.Name]))
            .ToList();
    }

    /// <summary>The tables of <paramref name="model"/> with no placement: neither tenant-owned nor declared.</summary>
    public static IReadOnlyList<string> Undecided(IReadOnlyModel model) =>
        Tables(model).Where(t => !t.TenantOwned && !Declared.ContainsKey(t.Name)).Select(t => t.Name).ToList();

    /// <summary>Declared tables the model no longer has (a rename or removal the list missed).</summary>
    public static IReadOnlyList<string> StaleDeclarations(IReadOnlyModel model)
    {
        var names = Tables(model).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return Declared.Keys.Where(name => !names.Contains(name)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The tables to shard, in the order Citus needs: the change log first (the capture triggers
    /// write to it), then tenant data with every table after the tables its foreign keys point at.
    /// </summary>
    public static IReadOnlyList<string> DistributionOrder(IReadOnlyModel model)
    {
        var plan = PlanFor(model);
        var distributed = plan.Where(p => p.Placement == TablePlacement.DistributedByTenant).Select(p => p.Table).ToHashSet(StringComparer.Ordinal);
        var entities = model.GetEntityTypes().Where(e => e.GetTableName() is { } name && distributed.Contains(name)).ToList();
        var ordered = new List<string> { TenantChangeConfiguration.TableName };
        var remaining = distributed.Where(t => t != TenantChangeConfiguration.TableName).Order(StringComparer.Ordinal).ToList();
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(table => entities
                .Where(e => e.GetTableName() == table)
                .SelectMany(e => e.GetForeignKeys())
                .Select(fk => fk.PrincipalEntityType.GetTableName()!)
                .All(principal => principal == table || !distributed.Contains(principal) || ordered.Contains(principal)))
                ?? throw new InvalidOperationException($"Foreign keys among {string.Join(", ", remaining)} form a cycle.");
            ordered.Add(next);
            remaining.Remove(next);
        }

        return ordered;
    }

    /// <summary>
    /// The database's settings for every session on it: capture triggers on distributed tables
    /// (which Citus calls "unsafe": they write to another distributed table; safe here because the
    /// log is colocated), including a later migration's trigger DDL; and <c>SET LOCAL</c> passed on
    /// to the workers, where the triggers read the acting user (<c>tenancy.actor</c>). Kept in the
    /// database, not the cluster: a copy made with <c>CREATE DATABASE … TEMPLATE</c> needs them again.
    /// </summary>
    public const string DatabaseSettingsSql = """
        DO $$ BEGIN
          EXECUTE format('ALTER DATABASE %I SET citus.enable_unsafe_triggers = on', current_database());
          EXECUTE format('ALTER DATABASE %I SET citus.propagate_set_commands = %L', current_database(), 'local');
        END $$
        """;

    /// <summary>
    /// True when the database has the <c>citus</c> extension (the product then runs distributed).
    /// Asked once per database for the life of the process: the tenant page, every preview and
    /// rewind ask it, and a database becomes a cluster only with a deploy step and a restart.
    /// </summary>
    public static async Task<bool> IsCitusAsync(TenancyDbContext db, CancellationToken cancellationToken = default)
    {
        if (db.Provider != DatabaseProvider.Postgres)
        {
            return false;
        }

        var database = db.Database.GetConnectionString() ?? "";
        if (KnownDatabases.TryGetValue(database, out var known))
        {
            return known;
        }

        var isCitus = await db.Database
            .SqlQueryRaw<bool>("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') AS \"Value\"")
            .SingleAsync(cancellationToken);
        KnownDatabases[database] = isCitus;
        return isCitus;
    }

    private static readonly ConcurrentDictionary<string, bool> KnownDatabases = new(StringComparer.Ordinal);

    /// <summary>
    /// Brings a migrated Citus database into the planned shape, doing only what is missing: shards
    /// each table still on the coordinator that should be distributed (its foreign keys to
    /// coordinator tables dropped first: Citus cannot check them across servers), and makes sure
    /// the capture triggers are the row-level ones Citus runs. Does nothing on a database without
    /// Citus. Not one transaction: each step is idempotent, so a run cut short is finished by the next.
    /// </summary>
    public static async Task<CitusDistributionReport> ApplyAsync(TenancyDbContext db, CancellationToken cancellationToken = default)
    {
        if (!await IsCitusAsync(db, cancellationToken))
        {
            return CitusDistributionReport.NotCitus;
        }

        var model = db.GetService<IDesignTimeModel>().Model;
        var order = DistributionOrder(model);
        await db.Database.OpenConnectionAsync(cancellationToken);

        // Instances starting together: one distributes, the others wait and then find nothing to do.
        await ExecuteAsync(db, $"SELECT pg_advisory_lock({ApplyLockKey})", cancellationToken);
        try
        {
            // Capture triggers on distributed tables are what Citus calls "unsafe" (they write to
            // another distributed table); they are safe here because the log is colocated. Set for
            // this session and for the database, so a later migration's trigger DDL is accepted too.
            await ExecuteAsync(db, "SET citus.enable_unsafe_triggers = on", cancellationToken);
            await ExecuteAsync(db, DatabaseSettingsSql, cancellationToken);

            var already = await ListAsync(db, "SELECT logicalrelid::regclass::text FROM pg_dist_partition", cancellationToken);
            var toDistribute = order.Where(t => !already.Contains(t)).ToList();

            // A rewind's work table (RewindSql), beside the log; not part of the model: no data in it outlives a transaction.
            await ExecuteAsync(db, RewindSql.CreateDistributedRowsTableSql, cancellationToken);
            if (toDistribute.Count > 0)
            {
                // The statement-level triggers migrations install cannot be distributed (Citus cannot
                // see their transition tables); they are replaced by row-level ones below.
                await ExecuteAsync(db, ChangeCaptureSql.Uninstall(model, DatabaseProvider.Postgres), cancellationToken);
                foreach (var table in toDistribute)
                {
                    await DropForeignKeysToCoordinatorAsync(db, table, order, cancellationToken);
                    var colocate = table == order[0] ? "none" : order[0];
                    await ExecuteAsync(db,
                        $"SELECT create_distributed_table('{table}', '{DistributionColumn}', colocate_with => '{colocate}')",
                        cancellationToken);
                }

                // The rows were copied to the shards; the coordinator's own copy is dead weight
                // (children first: a table still referenced by a local one cannot be emptied).
                foreach (var table in Enumerable.Reverse(toDistribute))
                {
                    await ExecuteAsync(db, $"SELECT truncate_local_data_after_distributing_table('{table}')", cancellationToken);
                }
            }

            if (!already.Contains(RewindSql.DistributedRowsTable))
            {
                await ExecuteAsync(db,
                    $"SELECT create_distributed_table('{RewindSql.DistributedRowsTable}', '{DistributionColumn}', colocate_with => '{order[0]}')",
                    cancellationToken);
            }

            var rowTriggers = await ScalarAsync<long>(db,
                "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(@p0)",
                cancellationToken,
                (object)ChangeCaptureSql.Tables(model).Select(t => ChangeCaptureSql.TriggerNames(t.Name, DatabaseProvider.Postgres, CaptureStyle.Row)[0]).ToArray());
            var capturedTables = ChangeCaptureSql.Tables(model).Count;
            var triggersInstalled = false;
            if (rowTriggers != capturedTables || toDistribute.Count > 0)
            {
                await ExecuteAsync(db, ChangeCaptureSql.Install(model, DatabaseProvider.Postgres, CaptureStyle.Row), cancellationToken);
                triggersInstalled = true;
            }

            return new CitusDistributionReport(true, toDistribute, triggersInstalled);
        }
        finally
        {
            try
            {
                await ExecuteAsync(db, $"SELECT pg_advisory_unlock({ApplyLockKey})", CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // The session is gone, and its lock with it; the error that ended it is the one to report.
            }

            await db.Database.CloseConnectionAsync();

            // Pooled sessions opened before the ALTER DATABASE above lack its setting: start afresh.
            if (db.Database.GetDbConnection() is NpgsqlConnection connection)
            {
                NpgsqlConnection.ClearPool(connection);
            }
        }
    }

    private static async Task DropForeignKeysToCoordinatorAsync(TenancyDbContext db, string table, IReadOnlyList<string> distributed, CancellationToken cancellationToken)
    {
        var names = await ListAsync(db,
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = @p0::regclass AND NOT (confrelid::regclass::text = ANY(@p1))",
            cancellationToken, table, distributed.ToArray());
        foreach (var name in names)
        {
            await ExecuteAsync(db, $"ALTER TABLE \"{table}\" DROP CONSTRAINT \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", cancellationToken);
        }
    }

    private static IEnumerable<(string Name, bool TenantOwned)> Tables(IReadOnlyModel model) =>
        model.GetEntityTypes()
            .Where(e => e.GetTableName() is not null && e.GetViewName() is null)
            .GroupBy(e => e.GetTableName()!, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Any(e => typeof(ITenantOwned).IsAssignableFrom(e.ClrType))))
            .OrderBy(t => t.Key, StringComparer.Ordinal);

    private static Task ExecuteAsync(TenancyDbContext db, string sql, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(sql, cancellationToken);

    private static async Task<T> ScalarAsync<T>(TenancyDbContext db, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(db, sql, parameters);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<List<string>> ListAsync(TenancyDbContext db, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(db, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>A command on the context's connection, which the caller has opened.</summary>
    private static DbCommand Command(TenancyDbContext db, string sql, object[] parameters)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"p{i}";
            parameter.Value = parameters[i];
            command.Parameters.Add(parameter);
        }

        return command;
    }
}

/// <summary>What <see cref="CitusDistribution.ApplyAsync"/> did.</summary>
public sealed record CitusDistributionReport(bool IsCitus, IReadOnlyList<string> TablesDistributed, bool CaptureTriggersInstalled)
{
    public static CitusDistributionReport NotCitus { get; } = new(false, [], false);
}
