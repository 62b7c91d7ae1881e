using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tenancy.Core.Data;
using Tenancy.Core.Data.Citus;

namespace Tenancy.Core.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests run against, from <c>TENANCY_TEST_POSTGRES</c> (set by
/// scripts/test.sh, which starts a throwaway cluster). Migrates one template database per test
/// process, once; every test class then gets its own copy (<c>CREATE DATABASE … TEMPLATE</c>),
/// which is much faster than migrating each one.
/// <para>
/// On a Citus cluster (<c>TENANCY_CITUS_WORKERS</c> set to the workers' <c>host:port</c> list, the
/// server string naming the coordinator; scripts/test.sh sets both) every database exists on every
/// node: the template is created on each, given the extension and the workers, migrated and
/// distributed (<see cref="CitusDistribution"/>), and each copy is cloned on every node from that
/// node's template, so the coordinator's copy finds its own shards on the workers' copies.
/// </para>
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "TENANCY_TEST_POSTGRES";

    /// <summary>The Citus workers (<c>host:port,host:port</c>) of the coordinator the server string names; unset on plain PostgreSQL.</summary>
    public const string CitusWorkersVariable = "TENANCY_CITUS_WORKERS";

    private static readonly SemaphoreSlim CreateDatabaseLock = new(1, 1);
    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);
    private static int counter;

    /// <summary>Connection string to the server's maintenance database (from the environment).</summary>
    public static string ServerConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"{EnvironmentVariable} is not set. These tests need a real PostgreSQL server: run scripts/test.sh, " +
                    "which starts a throwaway cluster and sets it, or set it yourself to a server connection string " +
                    "whose user may create databases, e.g. \"Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres\".");
            }

            return value;
        }
    }

    /// <summary>True when the tests run on a Citus cluster.</summary>
    public static bool IsCitus => CitusWorkers.Count > 0;

    /// <summary>The Citus workers from the environment, as (host, port); empty on plain PostgreSQL.</summary>
    public static IReadOnlyList<(string Host, int Port)> CitusWorkers { get; } =
        (Environment.GetEnvironmentVariable(CitusWorkersVariable) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => (w[..w.LastIndexOf(':')], int.Parse(w[(w.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>The connection string for <paramref name="database"/> on the test server.</summary>
    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ConnectionString;

    /// <summary>Creates a database with every migration applied and returns its name.</summary>
    public static async Task<string> CreateMigratedDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var template = await Template.Value.WaitAsync(cancellationToken);
        var name = NewDatabaseName("tenancy_test");
        await CreateDatabaseAsync(name, template, cancellationToken);
        if (IsCitus)
        {
            // Database settings stay with the template's own entry: the copy needs them again.
            var copy = new NpgsqlConnectionStringBuilder(ConnectionStringFor(name)) { Pooling = false }.ConnectionString;
            await ExecuteOnAsync(copy, CitusDistribution.DatabaseSettingsSql, cancellationToken);
        }

        return name;
    }

    /// <summary>Creates an empty database (no tables, no migrations) and returns its name.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = NewDatabaseName("tenancy_empty");
        await CreateDatabaseAsync(name, "template0", cancellationToken);
        await PrepareCitusAsync(name, cancellationToken);
        return name;
    }

    /// <summary>
    /// Closes the pooled sessions to a database: the tests' own pool and the product's, which is
    /// another pool because the product's contexts adjust the connection string (<see cref="TenancyDatabase.KeepSessionsBetweenUses"/>).
    /// </summary>
    private static void ClearPools(string connectionString)
    {
        foreach (var pooled in new[] { connectionString, TenancyDatabase.KeepSessionsBetweenUses(connectionString) })
        {
            using var connection = new NpgsqlConnection(pooled);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    public static async Task DropDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ClearPools(ConnectionStringFor(name));

        foreach (var node in Nodes())
        {
            // On a cluster, a node may still hold a prepared transaction in the database (left by a
            // two-phase commit a test cancelled), which even FORCE does not end; the database is
            // going, so roll them back there and drop again.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await ExecuteOnAsync(node, $"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", cancellationToken);
                    break;
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && IsCitus && attempt < 5)
                {
                    await RollBackPreparedAsync(node, name, cancellationToken);
                    await Task.Delay(200, cancellationToken);
                }
            }
        }
    }

    private static async Task RollBackPreparedAsync(string node, string database, CancellationToken cancellationToken)
    {
        var gids = new List<string>();
        await using (var connection = new NpgsqlConnection(node))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT gid FROM pg_prepared_xacts WHERE database = @database", connection);
            command.Parameters.AddWithValue("database", database);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                gids.Add(reader.GetString(0));
            }
        }

        var inDatabase = new NpgsqlConnectionStringBuilder(node) { Database = database, Pooling = false }.ConnectionString;
        foreach (var gid in gids)
        {
            await ExecuteOnAsync(inDatabase, $"ROLLBACK PREPARED '{gid.Replace("'", "''", StringComparison.Ordinal)}'", cancellationToken);
        }
    }

    /// <summary>Runs a statement in the server's maintenance database.</summary>
    public static Task ExecuteOnServerAsync(string sql, CancellationToken cancellationToken = default) =>
        ExecuteOnAsync(ServerConnectionString, sql, cancellationToken);

    private static async Task ExecuteOnAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string> CreateTemplateAsync()
    {
        var name = NewDatabaseName("tenancy_template");
        await CreateDatabaseAsync(name, "template0", CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DropTemplate(name);
        await PrepareCitusAsync(name, CancellationToken.None);

        var connectionString = ConnectionStringFor(name);
        await using (var db = TenancyDatabase.Create(DatabaseProvider.Postgres, connectionString))
        {
            await db.Database.MigrateAsync();
            await CitusDistribution.ApplyAsync(db);
        }

        // CREATE DATABASE … TEMPLATE refuses a template that has open sessions: close the pooled
        // ones. On Citus the coordinator also holds sessions to the workers' copies, and each node
        // runs a maintenance daemon in the database: no new sessions, and end the ones there are.
        ClearPools(connectionString);

        if (IsCitus)
        {
            foreach (var node in Nodes())
            {
                await ExecuteOnAsync(node, $"ALTER DATABASE {Quote(name)} WITH ALLOW_CONNECTIONS false", CancellationToken.None);
                await ExecuteOnAsync(node,
                    $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()",
                    CancellationToken.None);
            }
        }

        return name;
    }

    private static void DropTemplate(string name)
    {
        try
        {
            foreach (var node in Nodes())
            {
                using var connection = new NpgsqlConnection(node);
                connection.Open();
                using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", connection);
                command.ExecuteNonQuery();
            }
        }
        catch (NpgsqlException)
        {
            // The throwaway cluster may already be gone; nothing else to clean up.
        }
    }

    private static async Task CreateDatabaseAsync(string name, string template, CancellationToken cancellationToken)
    {
        // A fixed collation for every test database: the tests' ordering oracle compares names
        // by code point (ordinal), which is what C.UTF-8 does, whatever the server's default is.
        var sql = template == "template0"
            ? $"CREATE DATABASE {Quote(name)} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
            : $"CREATE DATABASE {Quote(name)} TEMPLATE {Quote(template)}";

        // Clones of one template run one at a time: a clone in progress counts as a session on it.
        await CreateDatabaseLock.WaitAsync(cancellationToken);
        try
        {
            foreach (var node in Nodes())
            {
                await ExecuteOnAsync(node, sql, cancellationToken);
            }
        }
        finally
        {
            CreateDatabaseLock.Release();
        }
    }

    /// <summary>The maintenance-database connection strings of every node: the server, then the Citus workers.</summary>
    private static IEnumerable<string> Nodes()
    {
        yield return ServerConnectionString;
        foreach (var (host, port) in CitusWorkers)
        {
            yield return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Host = host, Port = port }.ConnectionString;
        }
    }

    /// <summary>On Citus: the extensions on every node's copy of a new database, and the workers registered with the coordinator's.</summary>
    private static async Task PrepareCitusAsync(string name, CancellationToken cancellationToken)
    {
        if (!IsCitus)
        {
            return;
        }

        foreach (var node in Nodes())
        {
            var database = new NpgsqlConnectionStringBuilder(node) { Database = name, Pooling = false }.ConnectionString;
            await ExecuteOnAsync(database, "CREATE EXTENSION IF NOT EXISTS citus; CREATE EXTENSION IF NOT EXISTS pg_trgm;", cancellationToken);
        }

        var coordinator = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name, Pooling = false };
        var sql = $"SELECT citus_set_coordinator_host('{coordinator.Host}', {coordinator.Port});" +
            string.Concat(CitusWorkers.Select(w => $"SELECT citus_add_node('{w.Host}', {w.Port});"));
        await ExecuteOnAsync(coordinator.ConnectionString, sql, cancellationToken);
    }

    private static string NewDatabaseName(string prefix) =>
        $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref counter)}_{Guid.NewGuid().ToString("N")[..8]}";

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
