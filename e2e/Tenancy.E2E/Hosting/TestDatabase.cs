using Npgsql;

namespace Tenancy.E2E.Hosting;

/// <summary>
/// A fresh PostgreSQL database for one test run, on the server that <c>scripts/test.sh</c>
/// starts (<c>TENANCY_TEST_POSTGRES</c>, a server-level connection string). Dropped at the end.
/// On the Citus run (<c>TENANCY_CITUS_WORKERS</c>: the workers' <c>host:port</c> list, the server
/// string naming the coordinator) the database is created on every node with the extension and
/// the workers registered; the portal's start-up then migrates and distributes it (decision 0006).
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    public const string ServerVariable = "TENANCY_TEST_POSTGRES";

    public const string CitusWorkersVariable = "TENANCY_CITUS_WORKERS";

    private readonly string _serverConnectionString;

    private TestDatabase(string serverConnectionString, string name, string connectionString)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>Connection string of the new database.</summary>
    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"{ServerVariable} is not set: the end-to-end tests need a PostgreSQL server. Run scripts/test.sh " +
                "(or: source scripts/lib/postgres.sh && pg_start && dotnet test --project e2e/Tenancy.E2E; pg_stop).");
        }

        var name = $"tenancy_e2e_{Guid.NewGuid():N}";
        foreach (var node in Nodes(server))
        {
            await ExecuteAsync(node, $"CREATE DATABASE \"{name}\"", cancellationToken);
        }

        var database = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var workers = Workers();
        if (workers.Count > 0)
        {
            foreach (var node in Nodes(server))
            {
                var copy = new NpgsqlConnectionStringBuilder(node) { Database = name, Pooling = false }.ConnectionString;
                await ExecuteAsync(copy, "CREATE EXTENSION citus; CREATE EXTENSION pg_trgm;", cancellationToken);
            }

            var coordinator = new NpgsqlConnectionStringBuilder(database) { Pooling = false };
            await ExecuteAsync(
                coordinator.ConnectionString,
                $"SELECT citus_set_coordinator_host('{coordinator.Host}', {coordinator.Port});" +
                string.Concat(workers.Select(w => $"SELECT citus_add_node('{w.Host}', {w.Port});")),
                cancellationToken);
        }

        return new TestDatabase(server, name, database);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var node in Nodes(_serverConnectionString))
        {
            await ExecuteAsync(node, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", CancellationToken.None);
        }
    }

    /// <summary>The Citus workers from the environment; none on plain PostgreSQL.</summary>
    private static List<(string Host, int Port)> Workers() =>
        (Environment.GetEnvironmentVariable(CitusWorkersVariable) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => (w[..w.LastIndexOf(':')], int.Parse(w[(w.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>The server's maintenance database, then each Citus worker's.</summary>
    private static IEnumerable<string> Nodes(string server) =>
        Workers().Select(w => new NpgsqlConnectionStringBuilder(server) { Host = w.Host, Port = w.Port }.ConnectionString).Prepend(server);

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
