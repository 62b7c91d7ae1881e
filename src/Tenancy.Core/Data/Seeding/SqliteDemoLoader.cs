using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Tenancy.Core.Features.Restore;

namespace Tenancy.Core.Data.Seeding;

/// <summary>
/// Loads demo data into SQLite: one prepared INSERT per table, parameters re-bound for every row.
/// Values are bound the way EF Core stores them (Guid and DateTime as TEXT, enums by name).
/// </summary>
/// <remarks>
/// Into an empty catalog (the portal's first start) the load is one transaction that drops the
/// secondary indexes of <c>tenants</c> and <c>tenant_slugs</c>, inserts, and recreates them from
/// their own definitions: building an index from sorted data beats updating eight indexes per
/// row, and a failed first start leaves an empty catalog that the next start seeds again.
/// Adding to a catalog that has tenants commits every <see cref="TenantsPerTransaction"/> tenants.
/// </remarks>
internal static class SqliteDemoLoader
{
    public const int TenantsPerTransaction = 10_000;

    /// <summary>From this many tenants on, a load into an empty catalog rebuilds the secondary indexes at the end.</summary>
    public const int BulkLoadThreshold = 20_000;

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
        var connection = (SqliteConnection)db.Database.GetDbConnection();

        // A page cache big enough for the catalog's indexes (the default 2 MB makes inserts into
        // eight random-order indexes spill); put back when done, the connection is pooled.
        var cacheSize = await PragmaAsync(connection, "cache_size", null, cancellationToken);
        try
        {
            await PragmaAsync(connection, "cache_size", "-262144", cancellationToken);
            var firstSequence = (long)(await ScalarAsync(connection, "SELECT count(*) FROM tenant_slugs", cancellationToken))!;
            var catalogEmpty = firstSequence == 0
                && await ScalarAsync(connection, "SELECT 1 FROM tenants LIMIT 1", cancellationToken) is null;
            var bulk = catalogEmpty && tenants >= BulkLoadThreshold;

            var generator = new DemoTenantGenerator(seed, firstSequence, tenants, now);
            var dataGenerator = new DemoTenantDataGenerator(seed);
            using var insert = new Inserts(connection);

            // Demo rows have no earlier state worth keeping: each transaction sets change capture
            // aside and records the history start of the tenants it seeded (decision 0005).
            var model = db.GetService<IDesignTimeModel>().Model;
            var seededOwners = new List<Guid>();
            var members = new List<DemoMember>();
            var projects = new List<DemoProject>();
            var items = new List<DemoItem>();
            var settings = new List<DemoSetting>();

            long written = 0;
            long dataRows = 0;
            long accountRows = 0;
            var load = Stopwatch.StartNew();
            SqliteTransaction? transaction = null;
            try
            {
                List<(string Name, string Create)> indexes = [];
                if (bulk)
                {
                    transaction = connection.BeginTransaction();
                    await ExecuteAsync(connection, transaction, ChangeCaptureSql.SuspendForBulkLoad(model, DatabaseProvider.Sqlite), cancellationToken);
                    indexes = await SecondaryIndexesAsync(connection, transaction, cancellationToken);
                    foreach (var (name, _) in indexes)
                    {
                        await ExecuteAsync(connection, transaction, $"DROP INDEX \"{name}\"", cancellationToken);
                    }
                }

                while (written < tenants)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (transaction is null)
                    {
                        transaction = connection.BeginTransaction();
                        await ExecuteAsync(connection, transaction, ChangeCaptureSql.SuspendForBulkLoad(model, DatabaseProvider.Sqlite), cancellationToken);
                    }

                    insert.Use(transaction);
                    for (var i = 0; i < TenantsPerTransaction && generator.TryNext(out var t); i++)
                    {
                        insert.Tenant(t);
                        written++;
                        if (t.Account is not null)
                        {
                            accountRows += insert.Account(t.Account);
                        }

                        if (!t.HasData)
                        {
                            continue;
                        }

                        var owner = DemoDataOwner.From(t);
                        seededOwners.Add(owner.TenantId);
                        dataGenerator.Members(owner, members);
                        dataGenerator.Projects(owner, projects);
                        dataGenerator.Items(owner, projects, items);
                        dataGenerator.Settings(owner, settings);
                        insert.Data(owner.TenantId, members, projects, items, settings);
                        dataRows += members.Count + projects.Count + items.Count + settings.Count;
                    }

                    if (!bulk)
                    {
                        await EndCaptureBypassAsync(connection, transaction, model, seededOwners, cancellationToken);
                        transaction.Commit();
                        transaction.Dispose();
                        transaction = null;
                    }

                    progress?.Report(written);
                }

                phases.Add(new SeedPhase("insert tenants, slugs, billing and tenant data", load.Elapsed, written + accountRows + dataRows));
                if (transaction is not null)
                {
                    var build = Stopwatch.StartNew();
                    foreach (var (_, create) in indexes)
                    {
                        await ExecuteAsync(connection, transaction, create, cancellationToken);
                    }

                    phases.Add(new SeedPhase($"create {indexes.Count} indexes", build.Elapsed, 0));
                    await EndCaptureBypassAsync(connection, transaction, model, seededOwners, cancellationToken);
                    transaction.Commit();
                }
            }
            finally
            {
                transaction?.Dispose();
            }

            // Statistics for the query planner (which index answers status = 'Active' best).
            var analyze = Stopwatch.StartNew();
            await ExecuteAsync(connection, null, "ANALYZE tenants; ANALYZE tenant_slugs; ANALYZE tenant_billing; ANALYZE suspensions", cancellationToken);
            phases.Add(new SeedPhase("analyze", analyze.Elapsed, 0));

            return new SeedReport(tenants, dataRows, total.Elapsed) { BillingRows = accountRows, Phases = [.. phases] };
        }
        finally
        {
            await PragmaAsync(connection, "cache_size", cacheSize, CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Records the history start of the tenants seeded in this transaction, then puts change capture back before it commits.</summary>
    private static async Task EndCaptureBypassAsync(
        SqliteConnection connection, SqliteTransaction transaction, IModel model, List<Guid> seededOwners, CancellationToken cancellationToken)
    {
        await using (var start = connection.CreateCommand())
        {
            start.Transaction = transaction;
            start.CommandText = ChangeCaptureSql.HistoryStartSql(DatabaseProvider.Sqlite);
            var tenant = start.Parameters.Add(new SqliteParameter("@tenant", null));
            foreach (var id in seededOwners)
            {
                tenant.Value = id;
                await start.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        seededOwners.Clear();
        await ExecuteAsync(connection, transaction, ChangeCaptureSql.ResumeForBulkLoad(model, DatabaseProvider.Sqlite), cancellationToken);
    }

    /// <summary>The catalog's indexes that have a definition (primary keys and UNIQUE constraints have none).</summary>
    private static async Task<List<(string Name, string Create)>> SecondaryIndexesAsync(
        SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var indexes = new List<(string, string)>();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('tenants', 'tenant_slugs') " +
            "AND sql IS NOT NULL ORDER BY tbl_name, name";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            indexes.Add((reader.GetString(0), reader.GetString(1)));
        }

        return indexes;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Reads a PRAGMA, or sets it when <paramref name="value"/> is given; returns the value read.</summary>
    private static async Task<string?> PragmaAsync(SqliteConnection connection, string name, string? value, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = value is null ? $"PRAGMA {name}" : $"PRAGMA {name} = {value}";
        return (await command.ExecuteScalarAsync(cancellationToken))?.ToString();
    }

    /// <summary>The prepared INSERT commands, one per table.</summary>
    private sealed class Inserts : IDisposable
    {
        private readonly SqliteCommand _tenant;
        private readonly SqliteCommand _slug;
        private readonly SqliteCommand _billing;
        private readonly SqliteCommand _suspension;
        private readonly SqliteCommand _member;
        private readonly SqliteCommand _project;
        private readonly SqliteCommand _item;
        private readonly SqliteCommand _setting;

        public Inserts(SqliteConnection connection)
        {
            _tenant = Command(connection, DemoTables.Tenants);
            _slug = Command(connection, DemoTables.TenantSlugs);
            _billing = Command(connection, DemoTables.TenantBilling);
            _suspension = Command(connection, DemoTables.Suspensions);
            _member = Command(connection, DemoTables.Members);
            _project = Command(connection, DemoTables.Projects);
            _item = Command(connection, DemoTables.ProjectItems);
            _setting = Command(connection, DemoTables.TenantSettings);
        }

        public void Use(SqliteTransaction transaction)
        {
            foreach (var command in All())
            {
                command.Transaction = transaction;
                command.Prepare();
            }
        }

        public void Tenant(DemoTenant t)
        {
            var p = _tenant.Parameters;
            p[0].Value = t.Id;
            p[1].Value = t.Name;
            p[2].Value = t.Slug;
            p[3].Value = t.OwnerName;
            p[4].Value = t.OwnerEmail;
            p[5].Value = t.StatusName;
            p[6].Value = t.PlanId;
            p[7].Value = t.Region;
            p[8].Value = (object?)t.StripeCustomerId ?? DBNull.Value;
            p[9].Value = (object?)t.StripeSubscriptionId ?? DBNull.Value;
            p[10].Value = t.CreatedAt;
            p[11].Value = t.UpdatedAt;
            _tenant.ExecuteNonQuery();

            _slug.Parameters[0].Value = t.Slug;
            _slug.Parameters[1].Value = t.Id;
            _slug.ExecuteNonQuery();
        }

        /// <summary>The tenant's billing row and suspensions; returns the number of rows written.</summary>
        public int Account(DemoAccount account)
        {
            var rows = 0;
            if (account.Billing is { } b)
            {
                var p = _billing.Parameters;
                p[0].Value = account.TenantId;
                p[1].Value = (object?)b.SubscriptionId ?? DBNull.Value;
                p[2].Value = b.SubscriptionStatus;
                p[3].Value = (object?)b.PastDueSince ?? DBNull.Value;
                p[4].Value = (object?)b.GraceDeadline ?? DBNull.Value;
                p[5].Value = b.SuspendedForBilling;
                p[6].Value = b.UpdatedAt;
                _billing.ExecuteNonQuery();
                rows++;
            }

            foreach (var s in account.Suspensions())
            {
                var p = _suspension.Parameters;
                p[0].Value = account.TenantId;
                p[1].Value = s.Id;
                p[2].Value = s.Category;
                p[3].Value = s.Reason;
                p[4].Value = s.StartedAt;
                p[5].Value = s.StartedBy;
                p[6].Value = s.StatusBefore;
                p[7].Value = (object?)s.LiftedAt ?? DBNull.Value;
                p[8].Value = (object?)s.LiftedBy ?? DBNull.Value;
                p[9].Value = (object?)s.LiftReason ?? DBNull.Value;
                _suspension.ExecuteNonQuery();
                rows++;
            }

            return rows;
        }

        public void Data(Guid tenantId, List<DemoMember> members, List<DemoProject> projects, List<DemoItem> items, List<DemoSetting> settings)
        {
            foreach (var m in members)
            {
                var p = _member.Parameters;
                p[0].Value = tenantId;
                p[1].Value = m.Id;
                p[2].Value = m.Email;
                p[3].Value = m.Name;
                p[4].Value = m.Role;
                p[5].Value = m.CreatedAt;
                _member.ExecuteNonQuery();
            }

            foreach (var project in projects)
            {
                var p = _project.Parameters;
                p[0].Value = tenantId;
                p[1].Value = project.Id;
                p[2].Value = project.Name;
                p[3].Value = project.CreatedAt;
                p[4].Value = project.UpdatedAt;
                _project.ExecuteNonQuery();
            }

            foreach (var i in items)
            {
                var p = _item.Parameters;
                p[0].Value = tenantId;
                p[1].Value = i.Id;
                p[2].Value = i.ProjectId;
                p[3].Value = i.Title;
                p[4].Value = i.SizeBytes;
                p[5].Value = i.CreatedAt;
                p[6].Value = i.UpdatedAt;
                _item.ExecuteNonQuery();
            }

            foreach (var s in settings)
            {
                var p = _setting.Parameters;
                p[0].Value = tenantId;
                p[1].Value = s.Key;
                p[2].Value = s.Value;
                p[3].Value = s.UpdatedAt;
                _setting.ExecuteNonQuery();
            }
        }

        public void Dispose()
        {
            foreach (var command in All())
            {
                command.Dispose();
            }
        }

        private IEnumerable<SqliteCommand> All() => [_tenant, _slug, _billing, _suspension, _member, _project, _item, _setting];

        /// <summary>An INSERT into <paramref name="table"/> with one parameter per column of <see cref="DemoTable.Columns"/>, in order.</summary>
        private static SqliteCommand Command(SqliteConnection connection, DemoTable table)
        {
            var command = connection.CreateCommand();
            command.CommandText =
                $"INSERT INTO {table.WithColumns} VALUES ({string.Join(", ", table.Columns.Select(c => "$" + c))})";
            foreach (var column in table.Columns)
            {
                command.Parameters.Add(new SqliteParameter("$" + column, null));
            }

            return command;
        }
    }
}
