using Microsoft.EntityFrameworkCore.Migrations;
using Tenancy.Core.Features.Restore;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CaptureInOneStatement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The statement-level capture triggers now write the log in one statement with the
            // freeze check in its condition (decision 0005, docs/benchmarks.md): reinstall them.
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
