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

    /// <summary>
    /// Tenants seeded into an empty database at start-up. Unset: 100,000 on SQLite (the
    /// zero-setup demo), none on PostgreSQL. 0 turns seeding off.
    /// </summary>
    [Range(0, 50_000_000)]
    public int? DemoTenants { get; set; }

    public int EffectiveDemoTenants => DemoTenants ?? (Provider == DatabaseProvider.Sqlite ? 100_000 : 0);
}
