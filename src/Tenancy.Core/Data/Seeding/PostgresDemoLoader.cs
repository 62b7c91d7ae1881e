using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;
using Tenancy.Core.Features.Restore;

namespace Tenancy.Core.Data.Seeding;

/// <summary>
/// Loads demo data into PostgreSQL with binary COPY, streaming rows from the generators.
/// Everything up to the final VACUUM runs in one transaction: a failure rolls back to the state
/// before the run, indexes included.
/// </summary>
internal static class PostgresDemoLoader
{
    /// <summary>
    /// From this many tenants on, a load into an empty catalog drops the secondary indexes of
    /// <c>tenants</c> and <c>tenant_slugs</c> and the foreign keys of the loaded tables, and
    /// builds them once at the end: much faster than maintaining eight indexes (one of them a
    /// trigram GIN index) and firing a foreign-key trigger row by row.
    /// </summary>
    public const int BulkLoadThreshold = 200_000;

    private const int ProgressEvery = 50_000;

    /// <summary>
    /// Secondary indexes (not primary keys, not backing a constraint) of the catalog tables,
    /// as <c>pg_indexes</c> defines them: name, drop statement, create statement.
    /// </summary>
    private const string SecondaryIndexesSql =
        """
        SELECT i.indexname, format('DROP INDEX %I.%I', i.schemaname, i.indexname), i.indexdef
        FROM pg_indexes i
        JOIN pg_namespace n ON n.nspname = i.schemaname
        JOIN pg_class c ON c.relname = i.indexname AND c.relnamespace = n.oid
        JOIN pg_index x ON x.indexrelid = c.oid
        WHERE i.schemaname = current_schema()
          AND i.tablename IN ('tenants', 'tenant_slugs')
          AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
        ORDER BY i.tablename, i.indexname
        """;

    /// <summary>
    /// Foreign keys of the tables the load writes, as <c>pg_get_constraintdef</c> defines them:
    /// name, drop statement, add statement.
    /// </summary>
    private static readonly string ForeignKeysSql =
        $"""
        SELECT k.conname,
               format('ALTER TABLE %I.%I DROP CONSTRAINT %I', n.nspname, t.relname, k.conname),
               format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s', n.nspname, t.relname, k.conname, pg_get_constraintdef(k.oid))
        FROM pg_constraint k
        JOIN pg_class t ON t.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE k.contype = 'f'
          AND n.nspname = current_schema()
          AND t.relname IN ({DemoTables.NamesAsSqlList})
        ORDER BY t.relname, k.conname
        """;

    public static async Task<SeedReport> LoadAsync(
        TenancyDbContext db,
        int tenants,
        int seed,
        DateTime now,
        SeedPhaseLog phases,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var firstSequence = await ScalarAsync<long>(connection, "SELECT count(*) FROM tenant_slugs", cancellationToken);
            var catalogEmpty = firstSequence == 0
                && !await ScalarAsync<bool>(connection, "SELECT EXISTS (SELECT 1 FROM tenants)", cancellationToken);
            var bulk = catalogEmpty && tenants >= BulkLoadThreshold;

            long dataRows;
            long accountRows;
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                // Memory for the big sort (slugs in key order) and the index builds, for this transaction only.
                await ExecuteAsync(connection, "SET LOCAL work_mem = '1GB'", cancellationToken);
                await ExecuteAsync(connection, "SET LOCAL maintenance_work_mem = '1GB'", cancellationToken);
                await ExecuteAsync(connection, "SET LOCAL max_parallel_maintenance_workers = 2", cancellationToken);

                // Demo rows have no earlier state worth keeping: change capture is set aside for
                // this transaction and each seeded tenant's history starts at the load (decision 0005).
                var model = db.GetService<IDesignTimeModel>().Model;
                await ExecuteAsync(connection, ChangeCaptureSql.SuspendForBulkLoad(model, DatabaseProvider.Postgres), cancellationToken);

                // A bulk load sets aside what costs most per row and is cheapest to build once at
                // the end: the secondary indexes of the catalog (one of them a trigram GIN index)
                // and the foreign keys of the loaded tables (checked by a trigger per row, but by
                // a single join when added back). Definitions come from the catalog, so the
                // migrations stay the source of truth.
                List<(string Name, string Drop, string Create)> indexes = [];
                List<(string Name, string Drop, string Create)> foreignKeys = [];
                if (bulk)
                {
                    var step = Stopwatch.StartNew();
                    indexes = await DefinitionsAsync(connection, SecondaryIndexesSql, cancellationToken);
                    foreignKeys = await DefinitionsAsync(connection, ForeignKeysSql, cancellationToken);
                    foreach (var (_, drop, _) in foreignKeys.Concat(indexes))
                    {
                        await ExecuteAsync(connection, drop, cancellationToken);
                    }

                    phases.Add(new SeedPhase($"set aside {indexes.Count} indexes and {foreignKeys.Count} foreign keys", step.Elapsed, 0));
                }

                var owners = new List<DemoDataOwner>();
                var accounts = new List<DemoAccount>();
                var copy = Stopwatch.StartNew();
                var copied = await CopyTenantsAsync(
                    connection, new DemoTenantGenerator(seed, firstSequence, tenants, now), owners, accounts, progress, cancellationToken);
                phases.Add(new SeedPhase("copy tenants", copy.Elapsed, copied));

                var slugs = Stopwatch.StartNew();

                // The rows this transaction wrote, in key order so the primary key grows at its right
                // edge. Sorting by byte order is twice as fast as by the column's collation (10 M
                // slugs: 13 s against 24 s) and is the same order under C and C.UTF-8; under other
                // collations the insert order is only less ideal, never wrong.
                var slugRows = await ExecuteAsync(
                    connection,
                    $"INSERT INTO {DemoTables.TenantSlugs.WithColumns} SELECT slug, id FROM tenants " +
                    "WHERE xmin = pg_current_xact_id()::xid ORDER BY slug COLLATE \"C\"",
                    cancellationToken);
                phases.Add(new SeedPhase("tenant_slugs", slugs.Elapsed, slugRows));

                // Billing state and suspensions of the PastDue and Suspended tenants (and a few
                // Active ones): about 6 % of the tenants, so their indexes (the grace sweep's, the
                // one-active-billing-suspension unique index) stay in place and check the load.
                var billing = Stopwatch.StartNew();
                accountRows = await CopyAccountsAsync(connection, accounts, cancellationToken);
                phases.Add(new SeedPhase($"billing and suspensions ({accounts.Count:N0} tenants)", billing.Elapsed, accountRows));

                var data = Stopwatch.StartNew();
                dataRows = await CopyTenantDataAsync(connection, new DemoTenantDataGenerator(seed), owners, cancellationToken);
                phases.Add(new SeedPhase($"tenant data ({owners.Count:N0} tenants)", data.Elapsed, dataRows));

                foreach (var (name, _, create) in foreignKeys)
                {
                    var step = Stopwatch.StartNew();
                    await ExecuteAsync(connection, create, cancellationToken);
                    phases.Add(new SeedPhase("add foreign key " + name, step.Elapsed, 0));
                }

                foreach (var (name, _, create) in indexes)
                {
                    var step = Stopwatch.StartNew();
                    await ExecuteAsync(connection, create, cancellationToken);
                    phases.Add(new SeedPhase("create index " + name, step.Elapsed, 0));
                }

                var history = Stopwatch.StartNew();
                await using (var start = new NpgsqlCommand(ChangeCaptureSql.HistoryStartSql(DatabaseProvider.Postgres), connection))
                {
                    start.Parameters.AddWithValue("tenants", owners.Select(o => o.TenantId).ToArray());
                    await start.ExecuteNonQueryAsync(cancellationToken);
                }

                await ExecuteAsync(connection, ChangeCaptureSql.ResumeForBulkLoad(model, DatabaseProvider.Postgres), cancellationToken);
                phases.Add(new SeedPhase("history start of the seeded tenants", history.Elapsed, owners.Count));

                var commit = Stopwatch.StartNew();
                await transaction.CommitAsync(cancellationToken);
                phases.Add(new SeedPhase("commit", commit.Elapsed, 0));
            }

            // Outside the transaction (VACUUM cannot run inside one): the visibility map makes
            // index-only scans possible, the statistics make the planner's row estimates (and the
            // tenant list's estimated counts) right.
            var vacuum = Stopwatch.StartNew();
            await ExecuteAsync(
                connection,
                bulk ? "VACUUM (ANALYZE) tenants, tenant_slugs" : "ANALYZE tenants, tenant_slugs",
                cancellationToken);
            var others = DemoTables.All.Except([DemoTables.Tenants, DemoTables.TenantSlugs]).Select(t => t.Name);
            await ExecuteAsync(connection, $"ANALYZE {string.Join(", ", others)}", cancellationToken);
            phases.Add(new SeedPhase(bulk ? "vacuum analyze" : "analyze", vacuum.Elapsed, 0));

            return new SeedReport(tenants, dataRows, total.Elapsed) { BillingRows = accountRows, Phases = [.. phases] };
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> CopyTenantsAsync(
        NpgsqlConnection connection,
        DemoTenantGenerator generator,
        List<DemoDataOwner> owners,
        List<DemoAccount> accounts,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        long rows = 0;
        await using var importer = await BeginAsync(connection, DemoTables.Tenants, cancellationToken);
        while (generator.TryNext(out var t))
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(t.Id, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(t.Name, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(t.Slug, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(t.OwnerName, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(t.OwnerEmail, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(t.StatusName, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(t.PlanId, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(t.Region, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(importer, t.StripeCustomerId, cancellationToken);
            await WriteNullableAsync(importer, t.StripeSubscriptionId, cancellationToken);
            await importer.WriteAsync(t.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(t.UpdatedAt, NpgsqlDbType.TimestampTz, cancellationToken);

            if (t.HasData)
            {
                owners.Add(DemoDataOwner.From(t));
            }

            if (t.Account is not null)
            {
                accounts.Add(t.Account);
            }

            if (++rows % ProgressEvery == 0)
            {
                progress?.Report(rows);
            }
        }

        await importer.CompleteAsync(cancellationToken);
        progress?.Report(rows);
        return rows;
    }

    /// <summary>One COPY for <c>tenant_billing</c>, one for <c>suspensions</c>, in key order.</summary>
    private static async Task<long> CopyAccountsAsync(NpgsqlConnection connection, List<DemoAccount> accounts, CancellationToken cancellationToken)
    {
        long rows = 0;
        await using (var importer = await BeginAsync(connection, DemoTables.TenantBilling, cancellationToken))
        {
            foreach (var account in accounts)
            {
                if (account.Billing is not { } b)
                {
                    continue;
                }

                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(account.TenantId, NpgsqlDbType.Uuid, cancellationToken);
                await WriteNullableAsync(importer, b.SubscriptionId, cancellationToken);
                await importer.WriteAsync(b.SubscriptionStatus, NpgsqlDbType.Varchar, cancellationToken);
                await WriteNullableAsync(importer, b.PastDueSince, cancellationToken);
                await WriteNullableAsync(importer, b.GraceDeadline, cancellationToken);
                await importer.WriteAsync(b.SuspendedForBilling, NpgsqlDbType.Boolean, cancellationToken);
                await importer.WriteAsync(b.UpdatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                rows++;
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await using (var importer = await BeginAsync(connection, DemoTables.Suspensions, cancellationToken))
        {
            foreach (var account in accounts)
            {
                foreach (var s in account.Suspensions())
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(account.TenantId, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(s.Id, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(s.Category, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(s.Reason, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(s.StartedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                    await importer.WriteAsync(s.StartedBy, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(s.StatusBefore, NpgsqlDbType.Varchar, cancellationToken);
                    await WriteNullableAsync(importer, s.LiftedAt, cancellationToken);
                    await WriteNullableAsync(importer, s.LiftedBy, cancellationToken);
                    await WriteNullableAsync(importer, s.LiftReason, cancellationToken);
                    rows++;
                }
            }

            await importer.CompleteAsync(cancellationToken);
        }

        return rows;
    }

    /// <summary>One COPY per table, parents first (the foreign keys are checked row by row).</summary>
    private static async Task<long> CopyTenantDataAsync(
        NpgsqlConnection connection, DemoTenantDataGenerator generator, List<DemoDataOwner> owners, CancellationToken cancellationToken)
    {
        long rows = 0;
        var members = new List<DemoMember>();
        var projects = new List<DemoProject>();
        var items = new List<DemoItem>();
        var settings = new List<DemoSetting>();

        await using (var importer = await BeginAsync(connection, DemoTables.Members, cancellationToken))
        {
            foreach (var owner in owners)
            {
                generator.Members(owner, members);
                foreach (var m in members)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(owner.TenantId, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(m.Id, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(m.Email, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(m.Name, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(m.Role, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(m.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                }

                rows += members.Count;
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await using (var importer = await BeginAsync(connection, DemoTables.Projects, cancellationToken))
        {
            foreach (var owner in owners)
            {
                generator.Projects(owner, projects);
                foreach (var p in projects)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(owner.TenantId, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(p.Id, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(p.Name, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(p.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                    await importer.WriteAsync(p.UpdatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                }

                rows += projects.Count;
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await using (var importer = await BeginAsync(connection, DemoTables.ProjectItems, cancellationToken))
        {
            foreach (var owner in owners)
            {
                generator.Projects(owner, projects);
                generator.Items(owner, projects, items);
                foreach (var i in items)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(owner.TenantId, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(i.Id, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(i.ProjectId, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(i.Title, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(i.SizeBytes, NpgsqlDbType.Bigint, cancellationToken);
                    await importer.WriteAsync(i.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                    await importer.WriteAsync(i.UpdatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                }

                rows += items.Count;
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await using (var importer = await BeginAsync(connection, DemoTables.TenantSettings, cancellationToken))
        {
            foreach (var owner in owners)
            {
                generator.Settings(owner, settings);
                foreach (var s in settings)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(owner.TenantId, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(s.Key, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(s.Value, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(s.UpdatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                }

                rows += settings.Count;
            }

            await importer.CompleteAsync(cancellationToken);
        }

        return rows;
    }

    /// <summary>A binary COPY into <paramref name="table"/>; write one value per column of <see cref="DemoTable.Columns"/>, in order.</summary>
    private static async Task<NpgsqlBinaryImporter> BeginAsync(NpgsqlConnection connection, DemoTable table, CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync($"COPY {table.WithColumns} FROM STDIN (FORMAT BINARY)", cancellationToken);

        // Foreign key checks run when the COPY completes, and the tenants COPY streams millions
        // of rows: a big load may take longer than the command timeout.
        importer.Timeout = TimeSpan.Zero;
        return importer;
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null
            ? importer.WriteNullAsync(cancellationToken)
            : importer.WriteAsync(value, NpgsqlDbType.Varchar, cancellationToken);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, DateTime? value, CancellationToken cancellationToken) =>
        value is { } time
            ? importer.WriteAsync(time, NpgsqlDbType.TimestampTz, cancellationToken)
            : importer.WriteNullAsync(cancellationToken);

    private static async Task<List<(string Name, string Drop, string Create)>> DefinitionsAsync(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var definitions = new List<(string, string, string)>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            definitions.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return definitions;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        // Index builds and VACUUM on millions of rows take minutes: no command timeout.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
