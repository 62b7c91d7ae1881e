using Microsoft.EntityFrameworkCore.Migrations;
using Tenancy.Core.Features.Restore;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class KeysInImages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // An update's or a delete's entry no longer writes its rows' keys beside their
            // before-images, which hold them (ChangeCaptureSql.KeysInImages; docs/benchmarks.md,
            // "Per-tenant restore"): reinstall the triggers. Entries already written keep their keys.
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
