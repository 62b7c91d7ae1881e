using System.Text;
using static Tenancy.Core.Features.Restore.ChangeCaptureSql;

namespace Tenancy.Core.Features.Restore;

/// <summary>
/// The SQL of a rewind, generated per provider from the captured tables (decision 0005). Every
/// statement works on the tenant's <c>rewind_rows</c>: for each row changed after the restore point,
/// its first change after it (op and before-image). That row's state at the restore point is the
/// before-image, or absent when the first change was its insert. Parameter <c>@tenant</c> is the
/// tenant, <c>@since</c> the restore point.
/// <para>
/// On Citus (decision 0006) the rows go to <c>tenant_rewind_rows</c>, a work table sharded by
/// tenant beside the log (Citus cannot join a temp table with distributed tables in a write), so
/// each statement routes to the tenant's shards; the STABLE expressions a write compares with
/// (<c>to_json</c>, <c>json_populate_record</c>) sit in sub-selects there, where Citus lets them run
/// on the worker instead of refusing them.
/// </para>
/// </summary>
internal static class RewindSql
{
    /// <summary>The temp table of the rows of one rewind (PostgreSQL, SQLite).</summary>
    public const string RowsTable = "rewind_rows";

    /// <summary>The work table a Citus cluster keeps the rows of a rewind in, sharded by tenant (created by <c>CitusDistribution</c>).</summary>
    public const string DistributedRowsTable = "tenant_rewind_rows";

    /// <summary>Creates <see cref="DistributedRowsTable"/> (before it is distributed); unlogged: its rows live for one transaction.</summary>
    public const string CreateDistributedRowsTableSql =
        $"CREATE UNLOGGED TABLE IF NOT EXISTS {DistributedRowsTable} (tenant_id uuid NOT NULL, table_name character varying(63) NOT NULL, row_key text NOT NULL, op character(1) NOT NULL, before text)";

    private static string Rows(RewindDialect dialect) => dialect == RewindDialect.Citus ? DistributedRowsTable : RowsTable;

    /// <summary>The rows of this rewind in <c>r</c>: the tenant's (the work table on Citus holds every rewind's rows).</summary>
    private static string FromRows(RewindDialect dialect) => $"{Rows(dialect)} r";

    /// <summary>
    /// Collects the first change after the restore point of every row of the tenant, from the
    /// tenant's range of the log key, each entry's rows taken apart (its key and before-image
    /// arrays line up), keys and images kept as the JSON text the triggers wrote. PostgreSQL
    /// sorts by a hash of the key's text, then table and text in byte order: a sort, not a
    /// join, so a stale row estimate cannot turn it into a nested loop over the tenant's changes;
    /// the hash first because the table names repeat and every key text starts alike
    /// (<c>{"id" : "</c>), which makes comparing them (in the database's collation, even more)
    /// slow: 160 ms of a 100,000-row sort, 45 ms with the hash first. The text is the same for the
    /// same key because one expression writes every key (<c>json_build_object</c> of the key columns).
    /// Statistics on the two columns the statements filter on let the planner size its joins
    /// (no index: each table's statements read the whole temp table once).
    /// </summary>
    public static string CollectRows(RewindDialect dialect, IReadOnlyList<CapturedTable> tables) => dialect switch
    {
        RewindDialect.Postgres => $"""
           CREATE TEMP TABLE {RowsTable} ON COMMIT DROP AS
           {PostgresFirstChanges(tables)};
           ANALYZE {RowsTable} (table_name, op);
           """,
        RewindDialect.Citus => $"""
           INSERT INTO {DistributedRowsTable} (tenant_id, table_name, row_key, op, before)
           {PostgresFirstChanges(tables)}
           """,
        _ => $"""
           DROP TABLE IF EXISTS temp.{RowsTable};
           CREATE TEMP TABLE {RowsTable} AS
           SELECT tenant_id, table_name, row_key, op, before FROM (
             SELECT c.tenant_id, c.table_name, k.value AS row_key, c.op, b.value AS before,
                    row_number() OVER (PARTITION BY c.table_name, k.value ORDER BY c.seq) AS n
             FROM tenant_changes c
             JOIN json_each(c.row_keys) k
             LEFT JOIN json_each(c.befores) b ON b.key = k.key
             WHERE c.tenant_id = @tenant AND c.changed_at > @since AND c.op IN ('I', 'U', 'D')
           ) WHERE n = 1;
           CREATE INDEX temp.{RowsTable}_table ON {RowsTable} (table_name);
           """,
    };

    /// <summary>
    /// The first change of each row after the restore point (PostgreSQL, Citus). An update's or a
    /// delete's entry logs no keys (<see cref="ChangeCaptureSql.KeysInImages"/>): the key is read
    /// from the before-image, as the same text an insert's entry holds. Entries written with keys
    /// (before migration KeysInImages) keep theirs.
    /// </summary>
    private static string PostgresFirstChanges(IReadOnlyList<CapturedTable> tables)
    {
        // A searched CASE: Citus deparses the simple form (CASE c.table_name WHEN …) for the
        // workers into a comparison of varchar with boolean, which they refuse.
        var keyFromImage = new StringBuilder("CASE");
        foreach (var table in tables)
        {
            keyFromImage.Append($" WHEN c.table_name = '{table.Name}' THEN {KeyFromImageSql(table, "e.before")}");
        }

        keyFromImage.Append(" END");
        // The images as json (json_array_elements), so reading a key from one parses it once, not
        // a cast's parse and then the field's; OFFSET 0 keeps the key's sub-select from being
        // merged into the sort, which would compute the key twice (for its hash and for itself).
        // Together: collecting 100,000 changes 500 -> 240 ms.
        return $"""
            SELECT DISTINCT ON (hashtextextended(k.row_key, 0), c.table_name COLLATE "C", k.row_key COLLATE "C") c.tenant_id, c.table_name, k.row_key, c.op, e.before::text AS before
            FROM tenant_changes c
            CROSS JOIN LATERAL ROWS FROM (json_array_elements_text(c.row_keys), json_array_elements(c.befores)) AS e(row_key, before)
            CROSS JOIN LATERAL (SELECT coalesce(e.row_key, {keyFromImage}) AS row_key OFFSET 0) k
            WHERE c.tenant_id = @tenant AND c.changed_at > @since AND c.op IN ('I', 'U', 'D')
            ORDER BY hashtextextended(k.row_key, 0), c.table_name COLLATE "C", k.row_key COLLATE "C", c.seq
            """;
    }

    public static string DropRows(RewindDialect dialect) => dialect switch
    {
        RewindDialect.Postgres => $"DROP TABLE IF EXISTS {RowsTable};",
        RewindDialect.Citus => $"DELETE FROM {DistributedRowsTable} WHERE tenant_id = @tenant;",
        _ => $"DROP TABLE IF EXISTS temp.{RowsTable};",
    };

    /// <summary>
    /// One pass per table (each logged row against the current row, if any): how many rows a
    /// rewind deletes (inserted after the point and still there), re-inserts (there at the point,
    /// gone now) and changes back (there at both, different now).
    /// </summary>
    public static string Count(CapturedTable table, RewindDialect dialect)
    {
        var present = $"c.{Quote(CapturedTable.TenantIdColumn)} IS NOT NULL";
        return $"""
            SELECT
              coalesce(sum(CASE WHEN r.op = 'I' AND {present} THEN 1 ELSE 0 END), 0),
              coalesce(sum(CASE WHEN r.op <> 'I' AND NOT ({present}) THEN 1 ELSE 0 END), 0),
              coalesce(sum(CASE WHEN r.op <> 'I' AND {present} AND {Image(table, dialect, "c")} <> r.before THEN 1 ELSE 0 END), 0)
            FROM {FromRows(dialect)} LEFT JOIN {Quote(table.Name)} c ON {Match(table, dialect)}
            WHERE r.tenant_id = @tenant AND r.table_name = '{table.Name}'
            """;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> rows of <paramref name="table"/> that a rewind would change:
    /// op, key, the row at the restore point (null if absent then) and now (null if absent now).
    /// The first ones found, in the log's order: no sort, so it stops as soon as it has them.
    /// On PostgreSQL each logged row looks its current row up by the primary key (a lateral
    /// sub-select, fenced with OFFSET 0 so it stays one): with the statistics of a table just
    /// imported into, a plain join read all the tenant's rows for every sampled row (190 ms for
    /// 100,000 changes; 0.4 ms now).
    /// </summary>
    public static string Sample(CapturedTable table, RewindDialect dialect, int limit)
    {
        var t = Quote(table.Name);
        var tenant = $"c.{Quote(CapturedTable.TenantIdColumn)}";
        var current = dialect == RewindDialect.Sqlite
            ? $"LEFT JOIN {t} c ON {Match(table, dialect)}"
            : $"LEFT JOIN LATERAL (SELECT * FROM {t} c WHERE {Match(table, dialect)} OFFSET 0) c ON true";
        return $"""
            SELECT r.op, r.row_key, r.before, CASE WHEN {tenant} IS NULL THEN NULL ELSE {Image(table, dialect, "c")} END
            FROM {FromRows(dialect)} {current}
            WHERE r.tenant_id = @tenant AND r.table_name = '{table.Name}'
              AND CASE WHEN r.op = 'I' THEN {tenant} IS NOT NULL ELSE {tenant} IS NULL OR {Image(table, dialect, "c")} <> r.before END
            LIMIT {limit}
            """;
    }

    /// <summary>
    /// Run before the deletes (empty where nothing is needed). On plain PostgreSQL the deletes run
    /// without nested loops: the tables' statistics are stale right after the import being undone
    /// (7 rows estimated for 10,000), and the planner then drove a nested loop from the table that
    /// parsed every logged key once per row (13 s for 10,000 changes, minutes for 100,000); which
    /// side it drove from changed from run to run. A hash join reads the tenant's rows once and the
    /// logged keys once, whatever the estimates. <see cref="AfterDeletes"/> puts the setting back.
    /// </summary>
    public static string BeforeDeletes(RewindDialect dialect) =>
        dialect == RewindDialect.Postgres ? "SET LOCAL enable_nestloop = off" : "";

    /// <summary>Run after the deletes: undoes <see cref="BeforeDeletes"/> for the rest of the rewind.</summary>
    public static string AfterDeletes(RewindDialect dialect) =>
        dialect == RewindDialect.Postgres ? "SET LOCAL enable_nestloop = on" : "";

    /// <summary>Deletes the tenant's rows of <paramref name="table"/> that did not exist at the restore point.</summary>
    public static string Delete(CapturedTable table, RewindDialect dialect) =>
        $"""
        DELETE FROM {Quote(table.Name)} AS c
        WHERE c.{Quote(CapturedTable.TenantIdColumn)} = @tenant
          AND EXISTS (SELECT 1 FROM {FromRows(dialect)} WHERE r.tenant_id = @tenant AND r.table_name = '{table.Name}' AND r.op = 'I' AND {Match(table, dialect)})
        """;

    /// <summary>Puts back the rows of <paramref name="table"/> that existed at the restore point and are gone now.</summary>
    public static string Insert(CapturedTable table, RewindDialect dialect)
    {
        var columns = string.Join(", ", table.Columns.Select(Quote));
        var values = dialect != RewindDialect.Sqlite
            // tenant_id from the work table: Citus then sees the insert stays on the tenant's shard.
            ? string.Join(", ", table.Columns.Select(c => c == CapturedTable.TenantIdColumn ? $"r.{Quote(c)}" : $"x.{Quote(c)}"))
            : string.Join(", ", table.Columns.Select(c => $"json_extract(r.before, '$.{c}')"));
        var from = dialect != RewindDialect.Sqlite
            ? $"{FromRows(dialect)} CROSS JOIN LATERAL json_populate_record(NULL::{Quote(table.Name)}, r.before::json) x"
            : FromRows(dialect);
        return $"""
            INSERT INTO {Quote(table.Name)} ({columns})
            SELECT {values} FROM {from}
            WHERE r.tenant_id = @tenant AND r.table_name = '{table.Name}' AND r.op <> 'I'
              AND NOT EXISTS (SELECT 1 FROM {Quote(table.Name)} c WHERE {Match(table, dialect)})
            """;
    }

    /// <summary>Sets every column of the rows of <paramref name="table"/> that exist now and existed at the restore point back to their values then.</summary>
    public static string Update(CapturedTable table, RewindDialect dialect)
    {
        var settable = table.Columns.Where(c => c != CapturedTable.TenantIdColumn && !table.RowKeyColumns.Contains(c)).ToList();
        if (settable.Count == 0)
        {
            return "";
        }

        if (dialect == RewindDialect.Postgres)
        {
            return $"""
                UPDATE {Quote(table.Name)} AS c
                SET {string.Join(", ", settable.Select(col => $"{Quote(col)} = x.{Quote(col)}"))}
                FROM {FromRows(dialect)} CROSS JOIN LATERAL json_populate_record(NULL::{Quote(table.Name)}, r.before::json) x
                WHERE r.tenant_id = @tenant AND r.table_name = '{table.Name}' AND r.op <> 'I' AND {Match(table, dialect)} AND {Image(table, dialect, "c")} <> r.before
                """;
        }

        if (dialect == RewindDialect.Citus)
        {
            // The same statement with its STABLE expressions in sub-selects (see the class summary).
            var columns = string.Join(", ", settable.Select(Quote));
            return $"""
                UPDATE {Quote(table.Name)} AS c
                SET ({columns}) = (SELECT {string.Join(", ", settable.Select(col => $"x.{Quote(col)}"))} FROM json_populate_record(NULL::{Quote(table.Name)}, r.before::json) x)
                FROM {FromRows(dialect)}
                WHERE r.tenant_id = @tenant AND r.table_name = '{table.Name}' AND r.op <> 'I' AND {Match(table, dialect)}
                  AND (SELECT {Image(table, dialect, "c")}) <> r.before
                """;
        }

        var assignments = string.Join(", ", settable.Select(col => $"{Quote(col)} = json_extract(r.before, '$.{col}')"));
        return $"""
            UPDATE {Quote(table.Name)} AS c
            SET {assignments}
            FROM {FromRows(dialect)}
            WHERE r.tenant_id = @tenant AND r.table_name = '{table.Name}' AND r.op <> 'I' AND {Match(table, dialect)} AND {Image(table, dialect, "c")} <> r.before
            """;
    }

    /// <summary>The current row <c>c</c> is the logged row <c>r</c> (the tenant and its key columns).</summary>
    private static string Match(CapturedTable table, RewindDialect dialect)
    {
        var sql = new StringBuilder($"c.{Quote(CapturedTable.TenantIdColumn)} = @tenant");
        foreach (var (key, type) in table.RowKeyColumns.Zip(table.RowKeyTypes))
        {
            // Typed, so the table's primary key finds the row.
            sql.Append(dialect != RewindDialect.Sqlite
                ? $" AND c.{Quote(key)} = (r.row_key::json ->> '{key}')::{type}"
                : $" AND c.{Quote(key)} = json_extract(r.row_key, '$.{key}')");
        }

        return sql.ToString();
    }

    /// <summary>
    /// The current row as the capture triggers write a before-image (the same expression, so the
    /// same text for the same values), to compare with one as text.
    /// </summary>
    private static string Image(CapturedTable table, RewindDialect dialect, string row) =>
        dialect != RewindDialect.Sqlite
            ? $"to_json({row})::text"
            : SqliteJson(table.Columns, row);
}

/// <summary>Which SQL a rewind speaks: plain PostgreSQL, PostgreSQL on a Citus cluster, or SQLite.</summary>
internal enum RewindDialect
{
    Postgres,
    Citus,
    Sqlite,
}
