using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Tenancy.Core.Data;

namespace Tenancy.Core.Jobs;

/// <summary>
/// The one way to take work from a table that is a queue (the Stripe event inbox; next, restore
/// jobs and usage-rollup work items): the due rows, in the queue's order, at most a batch, held
/// for the caller's transaction so that no other worker takes them meanwhile.
/// <para>
/// PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>, so concurrent workers each take different rows
/// without waiting for one another. SQLite: a transaction there holds the database's single write
/// lock from its start (Microsoft.Data.Sqlite begins <c>IMMEDIATE</c>), so a second worker waits
/// and then sees the first one's outcome. Either way the claim ends with the transaction: commit
/// after recording each row's outcome (so it is no longer due), or roll back, or die, and the rows
/// are due again for the next worker.
/// </para>
/// </summary>
public static class QueueClaims
{
    /// <summary>
    /// Claims up to <paramref name="batchSize"/> rows of <typeparamref name="T"/>'s table that match
    /// <paramref name="due"/>, ordered by <paramref name="orderBy"/>, tracked so the caller can
    /// record their outcome. Call it inside a transaction on <paramref name="db"/>.
    /// </summary>
    /// <param name="db">The context whose transaction holds the claim.</param>
    /// <param name="due">
    /// The SQL condition of a due row, with values interpolated as parameters, e.g.
    /// <c>$"state = 'Pending' AND next_attempt_at &lt;= {now}"</c>. Keep it the predicate of the
    /// queue's filtered index (literal states, not parameters) so the claim reads only due rows.
    /// </param>
    /// <param name="orderBy">The SQL order the queue is taken in, ending with a unique column, e.g. <c>"next_attempt_at, id"</c>. A constant, never input.</param>
    /// <param name="batchSize">The most rows to claim.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    public static Task<List<T>> ClaimAsync<T>(
        this TenancyDbContext db, FormattableString due, string orderBy, int batchSize, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(due);
        ArgumentException.ThrowIfNullOrWhiteSpace(orderBy);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException(
                $"Claim {typeof(T).Name} rows inside a transaction: the claim lasts as long as the transaction, so without one it would end at once.");
        }

        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the tenancy model.");
        var table = db.GetService<ISqlGenerationHelper>().DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
        var lockRows = db.Provider == DatabaseProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : "";
        var arguments = due.GetArguments();

        // The condition's own placeholders ({0}, {1}, …) stay as they are; the batch size is the next one.
        var sql = FormattableStringFactory.Create(
            $"SELECT * FROM {Verbatim(table)} WHERE {due.Format} ORDER BY {Verbatim(orderBy)} LIMIT {{{arguments.Length}}}{lockRows}",
            [.. arguments, batchSize]);
        return db.Set<T>().FromSql(sql).ToListAsync(cancellationToken);
    }

    /// <summary>SQL text placed in a composite format string as it is.</summary>
    private static string Verbatim(string sql) =>
        sql.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
}
