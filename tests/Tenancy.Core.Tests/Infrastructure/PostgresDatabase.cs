using Npgsql;
using Tenancy.Core.Data;

namespace Tenancy.Core.Tests.Infrastructure;

/// <summary>A fresh PostgreSQL database with every migration applied, for one test class.</summary>
public class PostgresDatabase : TestDatabase
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    /// <summary>The database name on the test server.</summary>
    public string Name => new NpgsqlConnectionStringBuilder(ConnectionString).Database!;

    /// <summary>The first column of every row <paramref name="sql"/> returns, as text: how a test reads the catalog.</summary>
    public async Task<List<string>> QueryAsync(string sql)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

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
