using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Tenancy.Core.Data;

/// <summary>How a <see cref="TenancyDbContext"/> is configured for each provider, in one place for the app, tests and benchmarks.</summary>
public static class TenancyDatabase
{
    public static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString) =>
        Common(options.UseNpgsql(KeepSessionsBetweenUses(connectionString), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history")));

    /// <summary>
    /// A pooled PostgreSQL connection keeps its session when it goes back to the pool (Npgsql's
    /// <c>No Reset On Close</c>), unless the connection string says otherwise. The reset
    /// (<c>DISCARD ALL</c>) throws away every cached plan, the change-capture triggers' too, so
    /// the next write re-plans the trigger's statements: single-row writes through EF Core cost
    /// 1.52× without capture with the reset, 1.25× without it (docs/benchmarks.md, "Per-tenant
    /// restore"). Safe because the product leaves no session state behind: its settings are
    /// <c>SET LOCAL</c>, its temp tables <c>ON COMMIT DROP</c>, its advisory locks transaction-scoped,
    /// and the Citus distribution, the one user of a session setting and a session lock, releases
    /// the lock and clears the pool when it ends.
    /// </summary>
    public static string KeepSessionsBetweenUses(string connectionString)
    {
        // The keywords as written ("No Reset On Close", "NoResetOnClose"): Npgsql's own builder
        // cannot tell a value left at its default from one set to it.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Select(keyword => keyword.Replace(" ", "", StringComparison.Ordinal));
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!written.Contains("NoResetOnClose", StringComparer.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        Common(options
            .UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable("__ef_migrations_history"))
            .AddInterceptors(SqliteFunctions.Interceptor));

    /// <summary>
    /// Makes a relative SQLite <c>Data Source</c> relative to <paramref name="baseDirectory"/>
    /// and creates its folder, so the zero-setup default works from any working directory.
    /// </summary>
    public static string ResolveSqliteConnectionString(string connectionString, string baseDirectory)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } source && source != ":memory:" && !source.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = Path.GetFullPath(source, baseDirectory);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            builder.DataSource = path;
        }

        return builder.ToString();
    }

    /// <summary>A context for one-off use (tools, tests, benchmarks) outside dependency injection.</summary>
    public static TenancyDbContext Create(DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            var options = new DbContextOptionsBuilder<PostgresTenancyDbContext>();
            ConfigurePostgres(options, connectionString);
            return new PostgresTenancyDbContext(options.Options);
        }

        var sqlite = new DbContextOptionsBuilder<SqliteTenancyDbContext>();
        ConfigureSqlite(sqlite, connectionString);
        return new SqliteTenancyDbContext(sqlite.Options);
    }

    private static void Common(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w
            // Counting a substring search stops at the first SearchCap + 1 matches it finds
            // (TenantCatalog.CountAsync): a count needs no order. Every listing orders before it limits.
            .Ignore(CoreEventId.RowLimitingOperationWithoutOrderByWarning));
}

/// <summary>Hands out the provider-specific context as the shared <see cref="TenancyDbContext"/> type.</summary>
internal sealed class TenancyDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<TenancyDbContext>
    where TContext : TenancyDbContext
{
    public TenancyDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<TenancyDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
