using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Restore;

/// <summary>What a rewind does to one table: rows deleted, re-inserted and changed back.</summary>
public sealed record TableRewind(string Table, int Deleted, int Reinserted, int Changed)
{
    public int Total => Deleted + Reinserted + Changed;
}

/// <summary>A rewind's effect, table by table, parents first.</summary>
public sealed record RewindResult(IReadOnlyList<TableRewind> Tables)
{
    public int Total => Tables.Sum(t => t.Total);
}

/// <summary>A restore point that cannot be used; the message says why, in staff's words.</summary>
public sealed class RestoreRefusedException(string message) : InvalidOperationException(message);

/// <summary>
/// Rewinds one tenant's data to a point in time by undoing, row by row, every captured change
/// made after it (decision 0005): each row changed since goes back to the before-image of its
/// first change after the point, or away if that change inserted it. The work follows the
/// tenant's changes, never the size of the tables, and no other tenant's row is read or written.
/// <para>
/// <see cref="RewindAsync"/> runs in one transaction that holds the tenant's freeze lock
/// exclusively on PostgreSQL (the capture triggers take it shared, so writers of this tenant
/// already in flight finish first and new ones fail with "tenant … is being restored"; SQLite's
/// single writer does the same). Its own writes go through the capture triggers, so a rewind is
/// itself undoable: rewind to the moment before it. <see cref="PreviewAsync"/> computes the same
/// counts and changes nothing.
/// </para>
/// </summary>
public sealed class TenantRewind(IDbContextFactory<TenancyDbContext> contextFactory, TimeProvider clock)
{
    /// <summary>What rewinding <paramref name="tenantId"/> to <paramref name="pointInTime"/> would do; read-only.</summary>
    public async Task<RewindResult> PreviewAsync(Guid tenantId, DateTime pointInTime, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await PrepareAsync(db, tenantId, pointInTime, cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Rewinds the tenant's data to <paramref name="pointInTime"/> (UTC) in one transaction and
    /// returns what it did. <paramref name="actor"/> is recorded on the changes it makes.
    /// </summary>
    public async Task<RewindResult> RewindAsync(Guid tenantId, DateTime pointInTime, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var provider = db.Provider;
        if (provider == DatabaseProvider.Postgres)
        {
            await ExecuteAsync(db, $"SELECT pg_advisory_xact_lock(hashtextextended(@tenant::text, {ChangeCaptureSql.FreezeLockSeed}))", tenantId, null, cancellationToken);
            await ExecuteAsync(db, "SELECT set_config('tenancy.actor', @actor, true)", tenantId, null, cancellationToken, ("actor", actor));
        }

        var result = await PrepareAsync(db, tenantId, pointInTime, cancellationToken);
        var tables = ParentsFirst(db.Model);
        var since = SinceParameter(provider, pointInTime);

        // Rows going away first, children before parents (so a key they held, such as a
        // member's email, is free again); then values back; then rows coming back, parents before
        // children. A row that existed at the point but was cascade-deleted with a parent created
        // after it comes back in the last step too, since that step inserts whatever is missing.
        foreach (var table in tables.AsEnumerable().Reverse())
        {
            await ExecuteAsync(db, RewindSql.Delete(table, provider), tenantId, since, cancellationToken);
        }

        foreach (var table in tables)
        {
            var update = RewindSql.Update(table, provider);
            if (update.Length > 0)
            {
                await ExecuteAsync(db, update, tenantId, since, cancellationToken);
            }
        }

        foreach (var table in tables)
        {
            await ExecuteAsync(db, RewindSql.Insert(table, provider), tenantId, since, cancellationToken);
        }

        await ExecuteAsync(db, RewindSql.DropRows(provider), tenantId, since, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Checks the restore point, collects the rows to rewind and counts what would change, inside the caller's transaction.</summary>
    private async Task<RewindResult> PrepareAsync(TenancyDbContext db, Guid tenantId, DateTime pointInTime, CancellationToken cancellationToken)
    {
        pointInTime = DateTime.SpecifyKind(pointInTime, DateTimeKind.Utc);
        if (pointInTime > clock.GetUtcNow().UtcDateTime)
        {
            throw new RestoreRefusedException($"The restore point {pointInTime:yyyy-MM-dd HH:mm:ss} UTC is in the future.");
        }

        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, cancellationToken))
        {
            throw new RestoreRefusedException($"No tenant has the id {tenantId}.");
        }

        var since = SinceParameter(db.Provider, pointInTime);
        var historyStart = await db.TenantChanges.AsNoTracking()
            .Where(c => c.TenantId == tenantId && c.Op == TenantChangeOp.HistoryStart)
            .OrderByDescending(c => c.Seq)
            .Select(c => (DateTime?)c.ChangedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (historyStart is { } start && start > pointInTime)
        {
            throw new RestoreRefusedException(
                $"The tenant's history starts at {start:yyyy-MM-dd HH:mm:ss} UTC, when its data was bulk-loaded without capture; choose a later moment.");
        }

        await ExecuteAsync(db, RewindSql.CollectRows(db.Provider), tenantId, since, cancellationToken);
        var counts = new List<TableRewind>();
        foreach (var table in ParentsFirst(db.Model))
        {
            await using var command = Command(db, RewindSql.Count(table, db.Provider), tenantId, since);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            counts.Add(new TableRewind(table.Name, Convert.ToInt32(reader.GetValue(0)), Convert.ToInt32(reader.GetValue(1)), Convert.ToInt32(reader.GetValue(2))));
        }

        return new RewindResult(counts);
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

    /// <summary>
    /// The restore point as the change log stores times: a timestamp on PostgreSQL; on SQLite the
    /// text the capture triggers write (<c>strftime('%Y-%m-%d %H:%M:%f')</c>), compared as text.
    /// </summary>
    private static object SinceParameter(DatabaseProvider provider, DateTime utc) =>
        provider == DatabaseProvider.Postgres
            ? DateTime.SpecifyKind(utc, DateTimeKind.Utc)
            : utc.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task ExecuteAsync(
        TenancyDbContext db, string sql, Guid tenantId, object? since, CancellationToken cancellationToken, params (string Name, object Value)[] extra)
    {
        await using var command = Command(db, sql, tenantId, since, extra);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(TenancyDbContext db, string sql, Guid tenantId, object? since, params (string Name, object Value)[] extra)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
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
