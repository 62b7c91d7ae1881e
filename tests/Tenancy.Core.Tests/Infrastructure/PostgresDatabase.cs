using Npgsql;
using Tenancy.Core.Data;

namespace Tenancy.Core.Tests.Infrastructure;

/// <summary>A fresh PostgreSQL database with every migration applied, for one test class.</summary>
public class PostgresDatabase : TestDatabase
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    /// <summary>The database name on the test server.</summary>
    public string Name => new NpgsqlConnectionStringBuilder(ConnectionString).Database!;

    protected override async Task<string> CreateAsync(CancellationToken cancellationToken) =>
        PostgresServer.ConnectionStringFor(await PostgresServer.CreateMigratedDatabaseAsync(cancellationToken));

    protected override Task DeleteAsync(string connectionString) =>
        PostgresServer.DropDatabaseAsync(new NpgsqlConnectionStringBuilder(connectionString).Database!);
}

/// <summary>A fresh, empty PostgreSQL database (no migrations applied), for one test class.</summary>
public sealed class EmptyPostgresDatabase : PostgresDatabase
{
    protected override async Task<string> CreateAsync(CancellationToken cancellationToken) =>
        PostgresServer.ConnectionStringFor(await PostgresServer.CreateEmptyDatabaseAsync(cancellationToken));
}
