using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;

namespace Tenancy.Core.Tests.Infrastructure;

/// <summary>
/// A fresh SQLite database file with every migration applied, for one test class: a copy of a
/// template file migrated once per test process.
/// </summary>
public class SqliteDatabase : TestDatabase
{
    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    /// <summary>The database file.</summary>
    public string Path => new SqliteConnectionStringBuilder(ConnectionString).DataSource;

    protected static string NewFilePath(string prefix) =>
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid():N}.db");

    protected static string ConnectionStringFor(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();

    protected override async Task<string> CreateAsync(CancellationToken cancellationToken)
    {
        var template = await Template.Value.WaitAsync(cancellationToken);
        var path = NewFilePath("tenancy-test");
        File.Copy(template, path);
        return ConnectionStringFor(path);
    }

    protected override Task DeleteAsync(string connectionString)
    {
        DeleteFiles(connectionString);
        return Task.CompletedTask;
    }

    protected static void DeleteFiles(string connectionString)
    {
        using (var connection = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        var path = new SqliteConnectionStringBuilder(connectionString).DataSource;
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            File.Delete(file);
        }
    }

    private static async Task<string> CreateTemplateAsync()
    {
        var path = NewFilePath("tenancy-template");
        var connectionString = ConnectionStringFor(path);
        await using (var db = TenancyDatabase.Create(DatabaseProvider.Sqlite, connectionString))
        {
            await db.Database.MigrateAsync();
        }

        // Close pooled connections so the file is complete on disk before it is copied.
        using (var connection = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteFiles(connectionString);
        return path;
    }
}

/// <summary>A fresh, empty SQLite database file (no migrations applied), for one test class.</summary>
public sealed class EmptySqliteDatabase : SqliteDatabase
{
    protected override Task<string> CreateAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ConnectionStringFor(NewFilePath("tenancy-empty")));
}
