using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Tenancy.Core.Data;
using Tenancy.Core.Data.Citus;

namespace Tenancy.Core.Features.Restore;

/// <summary>One row a rewind would change: its key, and the row at the restore point and now, as JSON (null where the row is absent).</summary>
public sealed record RewindSample(string Key, string? Then, string? Now);

/// <summary>What a rewind does to one table: rows deleted, re-inserted and changed back.</summary>
public sealed record TableRewind(string Table, int Deleted, int Reinserted, int Changed)
{
    public int Total => Deleted + Reinserted + Changed;
}

/// <summary>A rewind's effect, table by table, parents first; a preview also has a few of each table's rows.</summary>
public sealed record RewindResult(IReadOnlyList<TableRewind> Tables)
{
    /// <summary>Preview only: up to <see cref="TenantRewind.SamplesPerTable"/> rows per table that would change.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RewindSample>> Samples { get; init; } = new Dictionary<string, IReadOnlyList<RewindSample>>();

    public int Total => Tables.Sum(t => t.Total);

    public int Deleted => Tables.Sum(t => t.Deleted);

    public int Reinserted => Tables.Sum(t => t.Reinserted);

    public int Changed => Tables.Sum(t => t.Changed);
}

/// <summary>A rewind done inside the caller's transaction: what it did, and when its transaction began by the database's clock (its own changes carry that time).</summary>
public sealed record AppliedRewind(RewindResult Result, DateTime RewoundAt);

/// <summary>How far back a tenant can be restored now, and what sets that limit.</summary>
public sealed record RestoreWindow(DateTime OldestRestorable, DateTime Now, RestoreWindowLimit LimitedBy);

/// <summary>What sets the oldest restorable moment.</summary>
public enum RestoreWindowLimit
{
    /// <summary>The change log's retention (<see cref="RestoreOptions.Retention"/>).</summary>
    Retention,

    /// <summary>The tenant's data was bulk-loaded without capture (the demo seed); its history starts there.</summary>
    BulkLoad,

    /// <summary>Change capture was installed in this database then; nothing earlier was recorded.</summary>
    CaptureInstalled,

    /// <summary>On Citus, the tenant's shards moved to another worker then; changes from before cannot be ordered with those after (decision 0006).</summary>
    ShardMove,
}

/// <summary>A restore point that cannot be used; the message says why, in staff's words.</summary>
public sealed class RestoreRefusedException(string message) : InvalidOperationException(message);

/// <summary>
/// Rewinds one tenant's data to a point in time by undoing, row by row, every captured change
/// made after it (decision 0005): each row changed since goes back to the before-image of its
/// first change after the point, or away if that change inserted it. The work follows the
/// tenant's changes, never the size of the tables, and no other tenant's row is read or written.
/// <para>
/// A rewind runs in one transaction that holds the tenant's freeze lock exclusively on
/// PostgreSQL (the capture triggers take it shared, so writers of this tenant already in flight
/// finish first and new ones fail with "tenant … is being restored"; SQLite's single writer does
/// the same). Its own writes go through the capture triggers, so a rewind is itself undoable:
/// rewind to the moment before it. <see cref="PreviewAsync"/> computes the same counts and
/// changes nothing. A point before <see cref="GetWindowAsync"/>'s oldest restorable moment is
/// refused: the changes after it may be purged or were never captured.
/// </para>
/// </summary>
public sealed class TenantRewind(IDbContextFactory<TenancyDbContext> contextFactory, IOptions<RestoreOptions> options, TimeProvider clock)
{
    /// <summary>PostgreSQL's <c>work_mem</c> inside a preview or rewind.</summary>
    private const string WorkMemory = "64MB";

    /// <summary>Rows of each table a preview shows.</summary>
    public const int SamplesPerTable = 5;

    /// <summary>The tenant the migration's "capture installed" marker is written for: no real tenant has it.</summary>
    public static readonly Guid CaptureInstalledMarkerTenant = Guid.Empty;

    /// <summary>
    /// PostgreSQL: for the rest of the rewinding transaction, the server checks every second
    /// whether its client is still there while a statement runs or waits for a lock
    /// (<c>client_connection_check_interval</c>). Without it, a worker killed mid-rewind leaves its
    /// server session running the current statement, or waiting for the tenant's writers, until
    /// it next talks to the client: the tenant stays frozen and the job row locked all that time,
    /// so the worker that takes the job over waits too. With it the server ends the session
    /// within a second, rolling the rewind back. The setting exists from PostgreSQL 14 and only
    /// where the kernel reports closed connections (not on Windows); elsewhere it is skipped and
    /// only that promptness is lost.
    /// </summary>
    private const string WatchTheClientSql = """
        DO $$
        BEGIN
          PERFORM set_config('client_connection_check_interval', '1s', true);
        EXCEPTION WHEN undefined_object OR invalid_parameter_value THEN
          NULL;
        END $$
        """;

    /// <summary>How far back <paramref name="tenantId"/> can be restored now.</summary>
    public async Task<RestoreWindow> GetWindowAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await WindowAsync(db, tenantId, cancellationToken);
    }

    /// <summary>What rewinding <paramref name="tenantId"/> to <paramref name="pointInTime"/> would do, with a few rows of each table; read-only.</summary>
    public async Task<RewindResult> PreviewAsync(Guid tenantId, DateTime pointInTime, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await PrepareAsync(db, await DialectAsync(db, cancellationToken), tenantId, pointInTime, SamplesPerTable, cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Rewinds the tenant's data to <paramref name="pointInTime"/> (UTC) in one transaction of its
    /// own and returns what it did. <paramref name="actor"/> is recorded on the changes it makes.
    /// </summary>
    public async Task<RewindResult> RewindAsync(Guid tenantId, DateTime pointInTime, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var applied = await RewindWithinAsync(db, tenantId, pointInTime, actor, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return applied.Result;
    }

    /// <summary>
    /// Rewinds the tenant inside the transaction open on <paramref name="db"/>, so the caller can
    /// record the outcome in the same transaction (the restore job does). Nothing is visible to
    /// others until the caller commits; a rollback leaves everything as it was.
    /// </summary>
    public async Task<AppliedRewind> RewindWithinAsync(TenancyDbContext db, Guid tenantId, DateTime pointInTime, string actor, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Rewind inside a transaction: the rewind and what records it commit together.");
        }

        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        var provider = db.Provider;
        var dialect = await DialectAsync(db, cancellationToken);
        DateTime rewoundAt;
        if (provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync(WatchTheClientSql, cancellationToken);
            await ExecuteAsync(db, ChangeCaptureSql.FreezeTenantSql, tenantId, null, cancellationToken);
            await ExecuteAsync(db, ChangeCaptureSql.SetActorSql(actor), tenantId, null, cancellationToken);
            rewoundAt = await ScalarAsync<DateTime>(db, ChangeCaptureSql.TenantClockSql, cancellationToken, tenantId);
        }
        else
        {
            // The capture triggers stamp each statement with this clock; every statement below runs after this one.
            rewoundAt = DateTime.SpecifyKind(
                DateTime.ParseExact(await ScalarAsync<string>(db, "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')", cancellationToken), "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
                DateTimeKind.Utc);
        }

        var result = await PrepareAsync(db, dialect, tenantId, pointInTime, 0, cancellationToken);
        var tables = ParentsFirst(db.Model);
        var since = SinceParameter(provider, pointInTime);

        // Rows going away first, children before parents (so a key they held, such as a
        // member's email, is free again); then values back; then rows coming back, parents before
        // children. A row that existed at the point but was cascade-deleted with a parent created
        // after it comes back in the last step too, since that step inserts whatever is missing.
        await ExecuteAsync(db, RewindSql.BeforeDeletes(dialect), tenantId, since, cancellationToken);
        foreach (var table in tables.AsEnumerable().Reverse())
        {
            await ExecuteAsync(db, RewindSql.Delete(table, dialect), tenantId, since, cancellationToken);
        }

        await ExecuteAsync(db, RewindSql.AfterDeletes(dialect), tenantId, since, cancellationToken);

        foreach (var table in tables)
        {
            await ExecuteAsync(db, RewindSql.Update(table, dialect), tenantId, since, cancellationToken); // empty: nothing to set back
        }

        foreach (var table in tables)
        {
            await ExecuteAsync(db, RewindSql.Insert(table, dialect), tenantId, since, cancellationToken);
        }

        await ExecuteAsync(db, RewindSql.DropRows(dialect), tenantId, since, cancellationToken);
        return new AppliedRewind(result, rewoundAt);
    }

    /// <summary>
    /// The moment to rewind to in order to undo a rewind whose transaction began at
    /// <paramref name="rewoundAt"/>: the smallest step before it the change log can tell apart
    /// (a microsecond on PostgreSQL, a millisecond in SQLite's text times).
    /// </summary>
    public static DateTime JustBefore(DateTime rewoundAt, DatabaseProvider provider) =>
        rewoundAt - (provider == DatabaseProvider.Postgres ? TimeSpan.FromMicroseconds(1) : TimeSpan.FromMilliseconds(1));

    /// <summary>Checks the restore point, collects the rows to rewind and counts what would change, inside the caller's transaction.</summary>
    private async Task<RewindResult> PrepareAsync(TenancyDbContext db, RewindDialect dialect, Guid tenantId, DateTime pointInTime, int samples, CancellationToken cancellationToken)
    {
        pointInTime = DateTime.SpecifyKind(pointInTime, DateTimeKind.Utc);
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, cancellationToken))
        {
            throw new RestoreRefusedException($"No tenant has the id {tenantId}.");
        }

        var window = await WindowAsync(db, tenantId, cancellationToken);
        if (pointInTime > window.Now)
        {
            throw new RestoreRefusedException($"The restore point {pointInTime:yyyy-MM-dd HH:mm:ss} UTC is in the future.");
        }

        if (pointInTime < window.OldestRestorable)
        {
            throw new RestoreRefusedException(window.LimitedBy switch
            {
                RestoreWindowLimit.BulkLoad =>
                    $"The tenant's history starts at {window.OldestRestorable:yyyy-MM-dd HH:mm:ss} UTC, when its data was bulk-loaded without capture; choose a later moment.",
                RestoreWindowLimit.CaptureInstalled =>
                    $"Changes are recorded from {window.OldestRestorable:yyyy-MM-dd HH:mm:ss} UTC, when change capture was installed; choose a later moment.",
                RestoreWindowLimit.ShardMove =>
                    $"The tenant's data moved to another server after {window.OldestRestorable:yyyy-MM-dd HH:mm:ss} UTC; changes from before the move cannot be put in order with those after it, so choose a later moment.",
                _ =>
                    $"The restore point {pointInTime:yyyy-MM-dd HH:mm:ss} UTC is outside the restore window: changes are kept for {options.Value.Retention.TotalDays:0.#} days, so the oldest restorable moment is {window.OldestRestorable:yyyy-MM-dd HH:mm:ss} UTC.",
            });
        }

        var since = SinceParameter(db.Provider, pointInTime);
        if (db.Provider == DatabaseProvider.Postgres)
        {
            // Room to hash a large restore's rows in memory (100,000 changes need about 35 MB);
            // for this transaction only.
            await ExecuteAsync(db, $"SET LOCAL work_mem = '{WorkMemory}'", tenantId, null, cancellationToken);
        }

        var tables = ParentsFirst(db.Model);
        await ExecuteAsync(db, RewindSql.CollectRows(dialect, tables), tenantId, since, cancellationToken);
        var counts = new List<TableRewind>();
        var sampled = new Dictionary<string, IReadOnlyList<RewindSample>>();
        foreach (var table in tables)
        {
            TableRewind counted;
            await using (var command = Command(db, RewindSql.Count(table, dialect), tenantId, since))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                counted = new TableRewind(table.Name, Convert.ToInt32(reader.GetValue(0)), Convert.ToInt32(reader.GetValue(1)), Convert.ToInt32(reader.GetValue(2)));
            }

            if (samples > 0 && counted.Total > 0)
            {
                sampled[table.Name] = await SamplesAsync(db, dialect, table, tenantId, samples, cancellationToken);
            }

            counts.Add(counted);
        }

        return new RewindResult(counts) { Samples = sampled };
    }

    private static async Task<List<RewindSample>> SamplesAsync(TenancyDbContext db, RewindDialect dialect, CapturedTable table, Guid tenantId, int limit, CancellationToken cancellationToken)
    {
        var rows = new List<RewindSample>();
        await using var command = Command(db, RewindSql.Sample(table, dialect, limit), tenantId, null);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var op = reader.GetString(0);
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            rows.Add(new RewindSample(reader.GetString(1), op == "I" ? null : Text(2), Text(3)));
        }

        return rows;
    }

    /// <summary>The oldest restorable moment: the latest of the retention's start, the tenant's bulk load and capture's installation.</summary>
    private async Task<RestoreWindow> WindowAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var window = new RestoreWindow(now - options.Value.Retention, now, RestoreWindowLimit.Retention);
        foreach (var (tenant, limit) in new[] { (tenantId, RestoreWindowLimit.BulkLoad), (CaptureInstalledMarkerTenant, RestoreWindowLimit.CaptureInstalled) })
        {
            // One probe of the partial index of history starts per tenant (never a walk of its history).
            var start = await db.TenantChanges.AsNoTracking()
                .Where(c => c.TenantId == tenant && c.Op == TenantChangeOp.HistoryStart)
                .OrderByDescending(c => c.ChangedAt)
                .Select(c => (DateTime?)c.ChangedAt)
                .FirstOrDefaultAsync(cancellationToken);
            if (start is { } at && DateTime.SpecifyKind(at, DateTimeKind.Utc) > window.OldestRestorable)
            {
                window = window with { OldestRestorable = DateTime.SpecifyKind(at, DateTimeKind.Utc), LimitedBy = limit };
            }
        }

        if (db.Provider == DatabaseProvider.Postgres && await CitusDistribution.IsCitusAsync(db, cancellationToken)
            && await LastChangeBeforeAMoveAsync(db, tenantId, window.OldestRestorable, cancellationToken) is { } moved)
        {
            window = window with { OldestRestorable = moved, LimitedBy = RestoreWindowLimit.ShardMove };
        }

        return window;
    }

    /// <summary>
    /// On Citus: when the tenant's shards moved to another worker inside the window, the last
    /// change logged before the move. Each node numbers the log (<c>seq</c>) from its own range
    /// (the node's group in the top bits), so a row's changes from before and after a move cannot
    /// be put in order; a restore may go back only as far as the move (decision 0006). Changes
    /// from before the table was distributed (the coordinator's range, below 2^48) all come
    /// before any worker's and need no guard.
    /// </summary>
    private static async Task<DateTime?> LastChangeBeforeAMoveAsync(TenancyDbContext db, Guid tenantId, DateTime from, CancellationToken cancellationToken)
    {
        var moved = await db.Database.SqlQueryRaw<DateTime?>(
            """
            SELECT max(changed_at) AS "Value" FROM tenant_changes
            WHERE tenant_id = @tenant AND changed_at > @from AND op <> 'L' AND seq >= 281474976710656
              AND (seq >> 48) <> (SELECT seq >> 48 FROM tenant_changes
                                  WHERE tenant_id = @tenant AND op <> 'L' AND seq >= 281474976710656
                                  ORDER BY changed_at DESC, seq DESC LIMIT 1)
            """,
            new Npgsql.NpgsqlParameter("tenant", tenantId),
            new Npgsql.NpgsqlParameter("from", from))
            .SingleAsync(cancellationToken);
        return moved is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null;
    }

    /// <summary>The captured tables, each after the captured tables it references.</summary>
    internal static List<CapturedTable> ParentsFirst(IModel model)
    {
        var entities = ChangeCaptureSql.CapturedEntityTypes(model.GetEntityTypes()).ToList();
        var ordered = new List<IEntityType>();
        var placed = new HashSet<IEntityType>();
        void Place(IEntityType entity, int depth)
        {
            if (placed.Contains(entity) || depth > entities.Count)
            {
                return;
            }

            foreach (var parent in entity.GetForeignKeys().Select(k => k.PrincipalEntityType).Where(p => p != entity && entities.Contains(p)))
            {
                Place(parent, depth + 1);
            }

            placed.Add(entity);
            ordered.Add(entity);
        }

        foreach (var entity in entities.OrderBy(e => e.GetTableName(), StringComparer.Ordinal))
        {
            Place(entity, 0);
        }

        return ordered.Select(CapturedTable.From).ToList();
    }

    /// <summary>The restore point as the change log stores times (<see cref="ChangeCaptureSql.LogTime"/>).</summary>
    private static object SinceParameter(DatabaseProvider provider, DateTime utc) => ChangeCaptureSql.LogTime(provider, utc);

    private static async Task<T> ScalarAsync<T>(TenancyDbContext db, string sql, CancellationToken cancellationToken, Guid? tenantId = null)
    {
        await using var command = tenantId is { } tenant ? Command(db, sql, tenant, null) : db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The SQL this database speaks for a rewind: Citus has its own (decision 0006).</summary>
    private static async Task<RewindDialect> DialectAsync(TenancyDbContext db, CancellationToken cancellationToken) =>
        db.Provider == DatabaseProvider.Sqlite ? RewindDialect.Sqlite
        : await CitusDistribution.IsCitusAsync(db, cancellationToken) ? RewindDialect.Citus
        : RewindDialect.Postgres;

    private static async Task ExecuteAsync(
        TenancyDbContext db, string sql, Guid tenantId, object? since, CancellationToken cancellationToken, params (string Name, object Value)[] extra)
    {
        if (sql.Length == 0)
        {
            return; // a statement this table or dialect does not need (RewindSql returns "")
        }

        await using var command = Command(db, sql, tenantId, since, extra);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A command over the change log on <paramref name="db"/>'s connection (in its transaction, if
    /// one is open): <c>@tenant</c> as the log stores tenants, <c>@since</c> (when given) and
    /// <paramref name="extra"/> parameters.
    /// </summary>
    internal static DbCommand Command(TenancyDbContext db, string sql, Guid tenantId, object? since, params (string Name, object Value)[] extra)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandTimeout = 600;
        command.CommandText = sql;
        Add(command, "tenant", db.Provider == DatabaseProvider.Postgres ? tenantId : tenantId.ToString().ToUpperInvariant());
        if (since is not null)
        {
            Add(command, "since", since);
        }

        foreach (var (name, value) in extra)
        {
            Add(command, name, value);
        }

        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
