using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Restore;

/// <summary>
/// Generates the triggers that write every insert, update and delete of tenant data into
/// <c>tenant_changes</c> (decision 0005), from an EF model: each table marked with
/// <see cref="CapturedAnnotation"/> (every <c>ITenantOwned</c> entity type), its key and columns.
/// Migrations call <see cref="Install"/> with their own <c>TargetModel</c>, so the triggers match
/// the schema of that migration; the SQL is idempotent (drop if exists, then create).
/// </summary>
public static class ChangeCaptureSql
{
    /// <summary>Model annotation on the entity types whose writes are captured; it is part of every migration's target model.</summary>
    public const string CapturedAnnotation = "Tenancy:CaptureChanges";

    /// <summary>SQLSTATE of the error a write gets while its tenant is being restored.</summary>
    public const string BeingRestoredSqlState = "TR001";

    /// <summary>Seed of <c>hashtextextended</c> for the per-tenant freeze lock, so it cannot meet another advisory-lock user's keys by accident.</summary>
    public const int FreezeLockSeed = 32_330;

    private static readonly string[] StatementTriggerOps = ["insert", "update", "delete"];

    /// <summary>Marks every tenant-owned entity type for capture; called once while the model is built.</summary>
    public static void MarkCapturedTables(ModelBuilder modelBuilder, Func<Type, bool> isTenantOwned)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(e => isTenantOwned(e.ClrType)))
        {
            entity.SetAnnotation(CapturedAnnotation, true);
        }
    }

    /// <summary>The captured tables of <paramref name="model"/>, by table name.</summary>
    public static IReadOnlyList<CapturedTable> Tables(IReadOnlyModel model) =>
        CapturedEntityTypes(model)
            .Select(CapturedTable.From)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>The entity types marked with <see cref="CapturedAnnotation"/>.</summary>
    public static IEnumerable<TEntity> CapturedEntityTypes<TEntity>(IEnumerable<TEntity> entityTypes)
        where TEntity : IReadOnlyEntityType =>
        entityTypes.Where(e => e.FindAnnotation(CapturedAnnotation)?.Value is true);

    private static IEnumerable<IReadOnlyEntityType> CapturedEntityTypes(IReadOnlyModel model) => CapturedEntityTypes(model.GetEntityTypes());

    /// <summary>The names of the triggers that capture <paramref name="table"/>'s writes in <paramref name="style"/> (SQLite: always its row triggers).</summary>
    public static IReadOnlyList<string> TriggerNames(string table, DatabaseProvider provider, CaptureStyle style = CaptureStyle.Statement) =>
        provider == DatabaseProvider.Postgres && style == CaptureStyle.Row
            ? [$"{table}_capture"]
            : StatementTriggerOps.Select(op => $"{table}_capture_{op}").ToList();

    /// <summary>
    /// SQL that (re)installs capture on every captured table of <paramref name="model"/>.
    /// <paramref name="style"/> matters on PostgreSQL only: statement-level triggers with transition
    /// tables (plain PostgreSQL, one log insert per statement) or row-level ones (Citus).
    /// </summary>
    public static string Install(IReadOnlyModel model, DatabaseProvider provider, CaptureStyle style = CaptureStyle.Statement)
    {
        var sql = new StringBuilder(Uninstall(model, provider));
        if (provider == DatabaseProvider.Postgres && style == CaptureStyle.Statement)
        {
            sql.Append(PostgresRefuseFunctionSql);
        }

        foreach (var table in Tables(model))
        {
            sql.Append(provider == DatabaseProvider.Sqlite
                ? SqliteTriggers(table)
                : style == CaptureStyle.Row ? PostgresRowTrigger(table) : PostgresStatementTriggers(table));
        }

        return sql.ToString();
    }

    /// <summary>SQL that drops every capture trigger (both styles) of the captured tables, and on PostgreSQL their functions.</summary>
    public static string Uninstall(IReadOnlyModel model, DatabaseProvider provider)
    {
        var sql = new StringBuilder();
        foreach (var table in Tables(model))
        {
            var names = provider == DatabaseProvider.Postgres
                ? TriggerNames(table.Name, provider, CaptureStyle.Statement).Concat(TriggerNames(table.Name, provider, CaptureStyle.Row))
                : TriggerNames(table.Name, provider);
            foreach (var name in names)
            {
                sql.Append(provider == DatabaseProvider.Postgres
                    ? $"DROP TRIGGER IF EXISTS {Quote(name)} ON {Quote(table.Name)};\n"
                    : $"DROP TRIGGER IF EXISTS {Quote(name)};\n");
            }

            if (provider == DatabaseProvider.Postgres)
            {
                foreach (var function in new[] { "inserted", "changed", "row" })
                {
                    sql.Append($"DROP FUNCTION IF EXISTS {Quote($"{table.Name}_capture_{function}")}();\n");
                }
            }
        }

        if (provider == DatabaseProvider.Postgres)
        {
            sql.Append($"DROP FUNCTION IF EXISTS {RefuseFunction}(uuid);\n");
        }

        return sql.ToString();
    }

    /// <summary>
    /// SQL that sets capture aside for the rest of a bulk load's transaction: PostgreSQL disables
    /// the tables' user triggers (only capture triggers are on tenant tables; foreign keys are
    /// internal triggers and stay), SQLite drops the triggers (its DDL is transactional). Other
    /// transactions never see the tables without capture: they wait on the table lock (PostgreSQL)
    /// or the single writer (SQLite). End the load with <see cref="ResumeForBulkLoad"/>.
    /// </summary>
    public static string SuspendForBulkLoad(IReadOnlyModel model, DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres
            ? string.Concat(Tables(model).Select(t => $"ALTER TABLE {Quote(t.Name)} DISABLE TRIGGER USER;\n"))
            : Uninstall(model, provider);

    /// <summary>SQL that puts capture back after <see cref="SuspendForBulkLoad"/>, in the same transaction (PostgreSQL keeps the installed trigger style).</summary>
    public static string ResumeForBulkLoad(IReadOnlyModel model, DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres
            ? string.Concat(Tables(model).Select(t => $"ALTER TABLE {Quote(t.Name)} ENABLE TRIGGER USER;\n"))
            : Install(model, provider);

    /// <summary>
    /// SQL that records, for tenants whose data a bulk load wrote without capture, that their
    /// history starts now (<see cref="TenantChangeOp.HistoryStart"/>): a restore cannot go back
    /// before it. Parameter <c>@tenants</c>: a uuid array (PostgreSQL); <c>@tenant</c>: one id, run per tenant (SQLite).
    /// </summary>
    public static string HistoryStartSql(DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres
            ? "INSERT INTO tenant_changes (tenant_id, changed_at, table_name, op, row_count, row_keys, transaction_id) " +
              "SELECT t, now(), '', 'L', 0, '[]', pg_current_xact_id()::text::bigint FROM unnest(@tenants) AS t"
            : "INSERT INTO tenant_changes (tenant_id, changed_at, table_name, op, row_count, row_keys) " +
              "VALUES (@tenant, strftime('%Y-%m-%d %H:%M:%f', 'now'), '', 'L', 0, '[]')";

    /// <summary>
    /// The PostgreSQL statement that takes the freeze lock of the tenant in <paramref name="tenantIdSql"/>
    /// shared, or fails the write with <see cref="BeingRestoredSqlState"/> while a restore holds it exclusively.
    /// </summary>
    private static string PostgresFreezeCheck(string tenantIdSql) =>
        $"""
            IF NOT pg_try_advisory_xact_lock_shared(hashtextextended({tenantIdSql}::text, {FreezeLockSeed})) THEN
              RAISE EXCEPTION 'tenant % is being restored', {tenantIdSql} USING ERRCODE = '{BeingRestoredSqlState}';
            END IF;
        """;

    /// <summary>
    /// Takes the tenant's freeze lock exclusively for the rest of the transaction (PostgreSQL,
    /// parameter <c>@tenant</c>): writers of the tenant are refused until it commits. It runs where
    /// the capture triggers take the lock shared, the server of the tenant's change log: on Citus a
    /// worker (the statement reads the tenant's shard, reading no row, so it routes there), on one
    /// server that server.
    /// </summary>
    public static readonly string FreezeTenantSql =
        $"SELECT pg_advisory_xact_lock(hashtextextended(@tenant::text, {FreezeLockSeed})) FROM {OnTheTenantsShard}";

    /// <summary>The transaction's clock where the tenant's writes are stamped (PostgreSQL, <c>@tenant</c>): on Citus the worker's.</summary>
    public static readonly string TenantClockSql = $"SELECT now() FROM {OnTheTenantsShard}";

    /// <summary>One row, read on the server that holds the tenant's change log (see <see cref="FreezeTenantSql"/>).</summary>
    private const string OnTheTenantsShard =
        "(SELECT count(*) FROM (SELECT FROM tenant_changes WHERE tenant_id = @tenant LIMIT 0) AS none) AS on_the_tenants_shard";

    /// <summary>
    /// Names the acting user or job on the changes the rest of the transaction writes (PostgreSQL).
    /// A <c>SET LOCAL</c>, not <c>set_config</c>: Citus passes it on to the workers whose triggers read it
    /// (<c>citus.propagate_set_commands = 'local'</c>, set by <c>CitusDistribution</c>).
    /// </summary>
    public static string SetActorSql(string actor) =>
        $"SET LOCAL tenancy.actor = '{actor.Replace("\0", "", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)}'";

    private const string PostgresLogColumns = "tenant_id, changed_at, table_name, op, row_count, row_keys, befores, transaction_id, actor";

    /// <summary>
    /// The most rows one log entry holds: a statement that writes more is logged as several
    /// entries (PostgreSQL), so no entry grows past a few hundred kilobytes however large the statement.
    /// </summary>
    public const int RowsPerEntry = 1000;

    /// <summary>
    /// The <c>row_keys</c> of an update's or a delete's entry on PostgreSQL: none, as each
    /// before-image holds its row's key columns (<see cref="KeyFromImageSql"/> reads them back).
    /// Writing each key a second time cost a tenth of a bulk UPDATE's time (its random ids
    /// barely compress), measured in docs/benchmarks.md. SQLite's row triggers still write them.
    /// </summary>
    public const string KeysInImages = "'[]'::json";

    /// <summary>
    /// The key of the row whose before-image is the <c>json</c> value <paramref name="imageJson"/>,
    /// as the same text the triggers write for an insert's key (<c>json_build_object</c> of the key
    /// columns: both render each value with the same JSON rules), so the two name one row alike.
    /// </summary>
    public static string KeyFromImageSql(CapturedTable table, string imageJson) =>
        $"json_build_object({string.Join(", ", table.RowKeyColumns.Select(c => $"'{c}', {imageJson} -> '{c}'"))})::text";

    /// <summary>The function a statement-level capture trigger calls for a row whose tenant is being restored: it fails the write with <see cref="BeingRestoredSqlState"/>.</summary>
    private const string RefuseFunction = "tenancy_refuse_restoring";

    /// <summary>What is the same for every row of a statement, computed once for it: the transaction and the actor.</summary>
    private const string PostgresStatementValues =
        "(SELECT pg_current_xact_id()::text::bigint AS xid, nullif(current_setting('tenancy.actor', true), '') AS actor)";

    private static readonly string PostgresRefuseFunctionSql =
        $"""
        CREATE OR REPLACE FUNCTION {RefuseFunction}(tenant uuid) RETURNS boolean LANGUAGE plpgsql AS $refuse$
        BEGIN
          RAISE EXCEPTION 'tenant % is being restored', tenant USING ERRCODE = '{BeingRestoredSqlState}';
        END
        $refuse$;

        """;

    /// <summary>
    /// The freeze check of a statement-level trigger, as the condition of its one insert into the
    /// log (of the row, or of each entry of a bulk statement): it takes the tenant's freeze lock shared (taking it again in the same transaction
    /// only counts up a local lock) or, while a restore holds it, fails the statement. <c>CASE</c>
    /// fixes the order: the refusal is only reached when the lock was not granted. One statement per
    /// trigger instead of a loop over the tenants and then the insert: measured cheaper for single
    /// rows and bulk statements alike (docs/benchmarks.md).
    /// </summary>
    private static string PostgresRowFreezeCheck(string tenantIdSql) =>
        $"CASE WHEN pg_try_advisory_xact_lock_shared(hashtextextended({tenantIdSql}::text, {FreezeLockSeed})) THEN true ELSE {RefuseFunction}({tenantIdSql}) END";

    /// <summary>
    /// The statement-level capture of one table: one log entry per tenant (and per
    /// <see cref="RowsPerEntry"/> rows) of the statement's transition table, an insert's keys or
    /// an update's or a delete's before-images (which hold the keys: <see cref="KeysInImages"/>)
    /// aggregated into a JSON array. One small insert per statement instead of one per row: a
    /// bulk statement's log costs a few entries, compressed (decision 0005, docs/benchmarks.md).
    /// A statement of one row, the commonest write, skips the aggregation: it costs more than
    /// the rest of the trigger for one row (measured). A bulk statement takes each tenant's freeze
    /// lock once per entry (<c>HAVING</c>: every tenant of the statement has at least one entry),
    /// not once per row.
    /// </summary>
    private static string PostgresStatementTriggers(CapturedTable table)
    {
        var t = Quote(table.Name);
        var insertFunction = Quote($"{table.Name}_capture_inserted");
        var oldFunction = Quote($"{table.Name}_capture_changed");
        string Entries(string op, string transition, bool images)
        {
            // An insert logs its rows' keys; an update or a delete their before-images, which hold the keys.
            var (oneKey, oneImage) = images ? (KeysInImages, "json_build_array(to_json(r))") : ($"json_build_array({PostgresKey(table, "r")})", "NULL");
            var logged = images ? "to_json(r)" : PostgresKey(table, "r");
            var (keys, befores) = images ? (KeysInImages, "json_agg(b.logged)") : ("json_agg(b.logged)", "NULL");
            return $"""
                  IF NOT EXISTS (SELECT FROM {transition} OFFSET 1) THEN
                    INSERT INTO tenant_changes ({PostgresLogColumns})
                    SELECT r.tenant_id, now(), '{table.Name}', {op}, 1, {oneKey}, {oneImage}, x.xid, x.actor
                    FROM {PostgresStatementValues} x, {transition} r
                    WHERE {PostgresRowFreezeCheck("r.tenant_id")};
                  ELSE
                    INSERT INTO tenant_changes ({PostgresLogColumns})
                    SELECT b.tenant_id, now(), '{table.Name}', {op}, count(*), {keys}, {befores}, x.xid, x.actor
                    FROM {PostgresStatementValues} x,
                         (SELECT r.tenant_id, {logged} AS logged, (row_number() OVER ()) / {RowsPerEntry} AS part FROM {transition} r) b
                    GROUP BY b.tenant_id, b.part, x.xid, x.actor
                    HAVING {PostgresRowFreezeCheck("b.tenant_id")};
                  END IF;
                """;
        }

        return $"""
            CREATE OR REPLACE FUNCTION {insertFunction}() RETURNS trigger LANGUAGE plpgsql AS $capture$
            BEGIN
            {Entries("'I'", "new_rows", images: false)}
              RETURN NULL;
            END
            $capture$;
            CREATE OR REPLACE FUNCTION {oldFunction}() RETURNS trigger LANGUAGE plpgsql AS $capture$
            BEGIN
            {Entries("left(TG_OP, 1)", "old_rows", images: true)}
              RETURN NULL;
            END
            $capture$;
            CREATE TRIGGER {Quote(table.Name + "_capture_insert")} AFTER INSERT ON {t} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {insertFunction}();
            CREATE TRIGGER {Quote(table.Name + "_capture_update")} AFTER UPDATE ON {t} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {oldFunction}();
            CREATE TRIGGER {Quote(table.Name + "_capture_delete")} AFTER DELETE ON {t} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {oldFunction}();

            """;
    }

    /// <summary>
    /// PostgreSQL, for migration ChangeLogEntries: turns <paramref name="table"/>'s changes of the
    /// one-row-per-change log (jsonb <c>row_key</c> and <c>before</c>) into entries of one row,
    /// their key and image rendered by the expressions the triggers use.
    /// </summary>
    public static string ConvertOneRowChangesSql(CapturedTable table)
    {
        var row = $"jsonb_populate_record(NULL::{Quote(table.Name)}, before)";
        var key = $"json_build_object({string.Join(", ", table.RowKeyColumns.Select(c => $"'{c}', (jsonb_populate_record(NULL::{Quote(table.Name)}, row_key)).{Quote(c)}"))})";
        return $"""
            UPDATE tenant_changes
            SET row_count = 1, row_keys = json_build_array({key}),
                befores = CASE WHEN before IS NULL THEN NULL ELSE json_build_array(to_json({row})) END
            WHERE table_name = '{table.Name}' AND op <> 'L';

            """;
    }

    private static string PostgresRowTrigger(CapturedTable table)
    {
        var function = Quote($"{table.Name}_capture_row");
        return $"""
            CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $capture$
            BEGIN
              IF TG_OP = 'INSERT' THEN
            {PostgresFreezeCheck("NEW.tenant_id")}
                INSERT INTO tenant_changes ({PostgresLogColumns})
                VALUES (NEW.tenant_id, now(), '{table.Name}', 'I', 1, json_build_array({PostgresKey(table, "NEW")}), NULL, pg_current_xact_id()::text::bigint, nullif(current_setting('tenancy.actor', true), ''));
              ELSE
            {PostgresFreezeCheck("OLD.tenant_id")}
                INSERT INTO tenant_changes ({PostgresLogColumns})
                VALUES (OLD.tenant_id, now(), '{table.Name}', left(TG_OP, 1), 1, {KeysInImages}, json_build_array(to_json(OLD)), pg_current_xact_id()::text::bigint, nullif(current_setting('tenancy.actor', true), ''));
              END IF;
              RETURN NULL;
            END
            $capture$;
            CREATE TRIGGER {Quote(table.Name + "_capture")} AFTER INSERT OR UPDATE OR DELETE ON {Quote(table.Name)} FOR EACH ROW EXECUTE FUNCTION {function}();

            """;
    }

    private static string PostgresKey(CapturedTable table, string row) =>
        $"json_build_object({string.Join(", ", table.RowKeyColumns.Select(c => $"'{c}', {row}.{Quote(c)}"))})";

    private static string SqliteTriggers(CapturedTable table)
    {
        var sql = new StringBuilder();
        foreach (var (op, row, before) in new[]
                 {
                     ("insert", "NEW", "NULL"),
                     ("update", "OLD", $"json_array({SqliteJson(table.Columns, "OLD")})"),
                     ("delete", "OLD", $"json_array({SqliteJson(table.Columns, "OLD")})"),
                 })
        {
            sql.Append($"""
                CREATE TRIGGER {Quote($"{table.Name}_capture_{op}")} AFTER {op.ToUpperInvariant()} ON {Quote(table.Name)} BEGIN
                  INSERT INTO tenant_changes (tenant_id, changed_at, table_name, op, row_count, row_keys, befores)
                  VALUES ({row}.tenant_id, strftime('%Y-%m-%d %H:%M:%f', 'now'), '{table.Name}', '{char.ToUpperInvariant(op[0])}', 1, json_array({SqliteJson(table.RowKeyColumns, row)}), {before});
                END;

                """);
        }

        return sql.ToString();
    }

    /// <summary>
    /// SQLite's JSON image of <paramref name="row"/>'s columns, as the capture triggers write it;
    /// a rewind compares the current row with a logged before-image through the same expression.
    /// </summary>
    internal static string SqliteJson(IEnumerable<string> columns, string row) =>
        $"json_object({string.Join(", ", columns.Select(c => $"'{c}', {row}.{Quote(c)}"))})";

    /// <summary>
    /// A time as the change log stores it, as a command parameter's value: a timestamp on
    /// PostgreSQL; on SQLite the text the capture triggers write
    /// (<c>strftime('%Y-%m-%d %H:%M:%f')</c>), which compares as text.
    /// </summary>
    internal static object LogTime(DatabaseProvider provider, DateTime utc) =>
        provider == DatabaseProvider.Postgres
            ? DateTime.SpecifyKind(utc, DateTimeKind.Utc)
            : utc.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A quoted SQL identifier (both providers use double quotes).</summary>
    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
