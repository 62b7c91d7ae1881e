using System.ComponentModel.DataAnnotations;

namespace Tenancy.Core.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>SQLite connection string used when <c>ConnectionStrings:Tenancy</c> is not set.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/tenancy.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations at start-up (default on; turn off when a deploy step runs them).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Tenants the first run seeds into an empty database (0 turns seeding off).</summary>
    [Range(0, 50_000_000)]
    public int DemoTenants { get; set; } = 100_000;
}
