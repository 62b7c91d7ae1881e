using Microsoft.EntityFrameworkCore.Migrations;
using Tenancy.Core.Features.Restore;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CaptureLockPerEntry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A bulk statement's capture takes each tenant's freeze lock once per log entry, not once
            // per row (docs/benchmarks.md, "Per-tenant restore"): reinstall the triggers.
            migrationBuilder.Sql(ChangeCaptureSql.Install(TargetModel, DatabaseProvider.Postgres));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Capture stays installed: the generator has only the current shape of the triggers.
            migrationBuilder.Sql(ChangeCaptureSql.Install(TargetModel, DatabaseProvider.Postgres));
        }
    }
}
