using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Tenancy.Core.Features.Restore;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CaptureTenantChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "tenant_changes",
                columns: table => new
                {
                    seq = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    changed_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    table_name = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    row_key = table.Column<string>(type: "TEXT", nullable: false),
                    op = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 1, nullable: false),
                    before = table.Column<string>(type: "TEXT", nullable: true),
                    transaction_id = table.Column<long>(type: "INTEGER", nullable: true),
                    actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_changes", x => x.seq);
                });

            migrationBuilder.CreateIndex(
                name: "IX_tenant_changes_tenant_id_changed_at_seq",
                table: "tenant_changes",
                columns: new[] { "tenant_id", "changed_at", "seq" });

            // Capture every write of the tenant-owned tables of this migration's model (decision 0005).
            migrationBuilder.Sql(ChangeCaptureSql.Install(TargetModel, DatabaseProvider.Sqlite));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ChangeCaptureSql.Uninstall(TargetModel, DatabaseProvider.Sqlite));
            migrationBuilder.DropTable(
                name: "tenant_changes");
        }
    }
}
