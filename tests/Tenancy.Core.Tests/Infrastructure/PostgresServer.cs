using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tenancy.Core.Data;

namespace Tenancy.Core.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests run against, from <c>TENANCY_TEST_POSTGRES</c> (set by
/// scripts/test.sh, which starts a throwaway cluster). Migrates one template database per test
/// process, once; every test class then gets its own copy (<c>CREATE DATABASE … TEMPLATE</c>),
/// which is much faster than migrating each one.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "TENANCY_TEST_POSTGRES";

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

    /// <summary>The connection string for <paramref name="database"/> on the test server.</summary>
    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ConnectionString;

    /// <summary>Creates a database with every migration applied and returns its name.</summary>
    public static async Task<string> CreateMigratedDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var template = await Template.Value.WaitAsync(cancellationToken);
        var name = NewDatabaseName("tenancy_test");
        await CreateDatabaseAsync(name, template, cancellationToken);
        return name;
    }

    /// <summary>Creates an empty database (no tables, no migrations) and returns its name.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = NewDatabaseName("tenancy_empty");
        await CreateDatabaseAsync(name, "template0", cancellationToken);
        return name;
    }

    public static async Task DropDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        using (var connection = new NpgsqlConnection(ConnectionStringFor(name)))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", cancellationToken);
    }

    /// <summary>Runs a statement in the server's maintenance database.</summary>
    public static async Task ExecuteOnServerAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string> CreateTemplateAsync()
    {
        var name = NewDatabaseName("tenancy_template");
        await CreateDatabaseAsync(name, "template0", CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DropTemplate(name);

        var connectionString = ConnectionStringFor(name);
        await using (var db = TenancyDatabase.Create(DatabaseProvider.Postgres, connectionString))
        {
            await db.Database.MigrateAsync();
        }

        // CREATE DATABASE … TEMPLATE refuses a template that has open sessions: close the pooled ones.
        using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        return name;
    }

    private static void DropTemplate(string name)
    {
        try
        {
            using var connection = new NpgsqlConnection(ServerConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", connection);
            command.ExecuteNonQuery();
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
            await ExecuteOnServerAsync(sql, cancellationToken);
        }
        finally
        {
            CreateDatabaseLock.Release();
        }
    }

    private static string NewDatabaseName(string prefix) =>
        $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref counter)}_{Guid.NewGuid().ToString("N")[..8]}";

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
