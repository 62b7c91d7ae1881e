using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TenantsNotDeletedIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The list's default view (deleted tenants hidden) walks these index-only (decision 0002).
            migrationBuilder.CreateIndex(
                name: "ix_tenants_created_at_id_not_deleted",
                table: "tenants",
                columns: new[] { "created_at", "id" },
                filter: "status <> 'Deleted'")
                .Annotation("Npgsql:IndexInclude", new[] { "search_text" });

            migrationBuilder.CreateIndex(
                name: "ix_tenants_name_id_not_deleted",
                table: "tenants",
                columns: new[] { "name", "id" },
                filter: "status <> 'Deleted'")
                .Annotation("Npgsql:IndexInclude", new[] { "search_text" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tenants_created_at_id_not_deleted",
                table: "tenants");

            migrationBuilder.DropIndex(
                name: "ix_tenants_name_id_not_deleted",
                table: "tenants");
        }
    }
}
