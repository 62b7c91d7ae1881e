using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tenancy.Core.Data;

/// <summary>
/// SQL functions the model needs that SQLite lacks, registered on every connection EF opens.
/// Anything writing tenants to SQLite must use a connection from a <see cref="TenancyDbContext"/>
/// (or call <see cref="Register"/>), because the stored <c>search_text</c> column calls them.
/// </summary>
public static class SqliteFunctions
{
    /// <summary>Unicode-aware lower-casing (SQLite's <c>lower()</c> folds only A-Z).</summary>
    public const string UnicodeLower = "unicode_lower";

    internal static DbConnectionInterceptor Interceptor { get; } = new RegisterOnOpen();

    public static void Register(SqliteConnection connection) =>
        connection.CreateFunction(UnicodeLower, (string? text) => text?.ToLowerInvariant(), isDeterministic: true);

    private sealed class RegisterOnOpen : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
            Register((SqliteConnection)connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Register((SqliteConnection)connection);
            return Task.CompletedTask;
        }
    }
}
