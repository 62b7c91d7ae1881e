using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Tenancy.Core.Data;

namespace Tenancy.Core.Features.Usage;

/// <summary>One tenant's usage of one metric on one day, with its hours (null: nothing in that hour, or not known).</summary>
public sealed record UsageDayValues(Guid TenantId, QuotaMetric Metric, DateTime Day, long Amount, long?[] Hours);

/// <summary>
/// Reads and writes of <c>usage_days</c>, whose 24 hour columns the model does not map to
/// properties: the same SQL on PostgreSQL, SQLite and Citus (a multi-row upsert on the table's
/// key, which Citus routes to each row's shard).
/// </summary>
public static class UsageDays
{
    /// <summary>Rows per statement: 28 parameters each, within both providers' limits.</summary>
    private const int Chunk = 500;

    private static readonly string HourColumns = string.Join(", ", Enumerable.Range(0, UsageDay.Hours).Select(UsageDay.HourColumn));

    /// <summary>
    /// Adds counted usage: each row's amount and hours to what the day has (creating it at need).
    /// Rows must have distinct keys. Joins the context's transaction.
    /// </summary>
    public static Task AddAsync(TenancyDbContext db, IReadOnlyCollection<UsageDayValues> rows, CancellationToken cancellationToken = default) =>
        UpsertAsync(db, rows, add: true, cancellationToken);

    /// <summary>Sets gauge levels: the day's amount, and the hours given (others are kept).</summary>
    public static Task SetAsync(TenancyDbContext db, IReadOnlyCollection<UsageDayValues> rows, CancellationToken cancellationToken = default) =>
        UpsertAsync(db, rows, add: false, cancellationToken);

    /// <summary>
    /// The days of one tenant and metric from <paramref name="fromDay"/> to <paramref name="toDay"/>
    /// (inclusive), oldest first; hours only when <paramref name="withHours"/>.
    /// </summary>
    public static async Task<List<UsageDayValues>> ReadAsync(
        TenancyDbContext db, Guid tenantId, QuotaMetric metric, DateTime fromDay, DateTime toDay, bool withHours, CancellationToken cancellationToken = default)
    {
        var columns = withHours ? "day, amount, " + HourColumns : "day, amount";
        var result = new List<UsageDayValues>();
        await using var command = await CommandAsync(db,
            $"SELECT {columns} FROM usage_days WHERE tenant_id = @tenant AND metric = @metric AND day >= @from AND day <= @to ORDER BY day",
            cancellationToken);
        AddParameter(command, "@tenant", db, tenantId);
        AddParameter(command, "@metric", db, metric.ToString());
        AddParameter(command, "@from", db, fromDay);
        AddParameter(command, "@to", db, toDay);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var hours = new long?[UsageDay.Hours];
            if (withHours)
            {
                for (var h = 0; h < UsageDay.Hours; h++)
                {
                    hours[h] = reader.IsDBNull(2 + h) ? null : reader.GetInt64(2 + h);
                }
            }

            result.Add(new UsageDayValues(tenantId, metric, DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc), reader.GetInt64(1), hours));
        }

        return result;
    }

    /// <summary>The last day before <paramref name="beforeDay"/> with a row (a gauge's level carried into a range), or null.</summary>
    public static async Task<UsageDayValues?> ReadLastBeforeAsync(
        TenancyDbContext db, Guid tenantId, QuotaMetric metric, DateTime beforeDay, CancellationToken cancellationToken = default)
    {
        await using var command = await CommandAsync(db,
            "SELECT day, amount FROM usage_days WHERE tenant_id = @tenant AND metric = @metric AND day < @before ORDER BY day DESC LIMIT 1",
            cancellationToken);
        AddParameter(command, "@tenant", db, tenantId);
        AddParameter(command, "@metric", db, metric.ToString());
        AddParameter(command, "@before", db, beforeDay);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new UsageDayValues(tenantId, metric, DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc), reader.GetInt64(1), new long?[UsageDay.Hours])
            : null;
    }

    /// <summary>Clears the hours of days before <paramref name="beforeDay"/> (their totals stay); returns the rows changed.</summary>
    public static Task<int> ClearHoursBeforeAsync(TenancyDbContext db, DateTime beforeDay, CancellationToken cancellationToken = default)
    {
        var set = string.Join(", ", Enumerable.Range(0, UsageDay.Hours).Select(h => UsageDay.HourColumn(h) + " = NULL"));
        var anySet = string.Join(" OR ", Enumerable.Range(0, UsageDay.Hours).Select(h => UsageDay.HourColumn(h) + " IS NOT NULL"));
        var sql = "UPDATE usage_days SET " + set + " WHERE day < {0} AND (" + anySet + ")";
        return db.Database.ExecuteSqlRawAsync(sql, [beforeDay], cancellationToken);
    }

    private static async Task UpsertAsync(TenancyDbContext db, IReadOnlyCollection<UsageDayValues> rows, bool add, CancellationToken cancellationToken)
    {
        var update = new StringBuilder(add
            ? " ON CONFLICT (tenant_id, metric, day) DO UPDATE SET amount = usage_days.amount + excluded.amount"
            : " ON CONFLICT (tenant_id, metric, day) DO UPDATE SET amount = excluded.amount");
        for (var h = 0; h < UsageDay.Hours; h++)
        {
            var column = UsageDay.HourColumn(h);

            // NULL + x is NULL, so the first non-null of the three is the sum or whichever side has a value.
            update.Append(", ").Append(column).Append(" = ").Append(add
                ? $"coalesce(usage_days.{column} + excluded.{column}, usage_days.{column}, excluded.{column})"
                : $"coalesce(excluded.{column}, usage_days.{column})");
        }

        // One order for every writer (the rollup's workers, snapshots, the seed): rows are locked in
        // the order of the statement, so two writers of overlapping days wait, never deadlock.
        var ordered = rows.OrderBy(r => r.TenantId).ThenBy(r => r.Metric).ThenBy(r => r.Day);
        foreach (var chunk in ordered.Chunk(Chunk))
        {
            var values = SqlValues.Of(chunk, r => [r.TenantId, r.Metric.ToString(), r.Day, r.Amount, .. r.Hours.Cast<object?>()]);
            var sql = "INSERT INTO usage_days (tenant_id, metric, day, amount, " + HourColumns + ") VALUES " + values.Sql + update;
            await db.Database.ExecuteSqlRawAsync(sql, values.Arguments, cancellationToken);
        }
    }

    private static async Task<DbCommand> CommandAsync(TenancyDbContext db, string sql, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    /// <summary>A parameter bound as EF binds the same CLR type in its own commands (on SQLite: Guids and times as its text).</summary>
    private static void AddParameter(DbCommand command, string name, TenancyDbContext db, object value)
    {
        if (value is DateTime time && time.Kind != DateTimeKind.Utc)
        {
            value = DateTime.SpecifyKind(time, DateTimeKind.Utc); // days are UTC (a bound such as DateTime.MinValue has no kind)
        }

        var mapping = db.GetService<IRelationalTypeMappingSource>().FindMapping(value.GetType())
            ?? throw new InvalidOperationException($"No type mapping for {value.GetType()}.");
        command.Parameters.Add(mapping.CreateParameter(command, name, value));
    }
}
