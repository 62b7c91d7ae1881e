using Microsoft.EntityFrameworkCore.Design;

namespace Tenancy.Core.Data;

// Used by `dotnet ef migrations add` only (see scripts/add-migration.sh); the connection strings
// are never opened when adding a migration.
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTenancyDbContext>
{
    public PostgresTenancyDbContext CreateDbContext(string[] args) =>
        (PostgresTenancyDbContext)TenancyDatabase.Create(DatabaseProvider.Postgres, "Host=localhost;Database=tenancy_design");
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTenancyDbContext>
{
    public SqliteTenancyDbContext CreateDbContext(string[] args) =>
        (SqliteTenancyDbContext)TenancyDatabase.Create(DatabaseProvider.Sqlite, "Data Source=design.db");
}
