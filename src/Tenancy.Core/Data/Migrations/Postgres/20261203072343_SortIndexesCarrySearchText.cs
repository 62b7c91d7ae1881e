using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SortIndexesCarrySearchText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tenants_created_at_id",
                table: "tenants");

            migrationBuilder.DropIndex(
                name: "IX_tenants_name_id",
                table: "tenants");

            migrationBuilder.CreateIndex(
                name: "IX_tenants_created_at_id",
                table: "tenants",
                columns: new[] { "created_at", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "search_text" });

            migrationBuilder.CreateIndex(
                name: "IX_tenants_name_id",
                table: "tenants",
                columns: new[] { "name", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "search_text" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tenants_created_at_id",
                table: "tenants");

            migrationBuilder.DropIndex(
                name: "IX_tenants_name_id",
                table: "tenants");

            migrationBuilder.CreateIndex(
                name: "IX_tenants_created_at_id",
                table: "tenants",
                columns: new[] { "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_tenants_name_id",
                table: "tenants",
                columns: new[] { "name", "id" });
        }
    }
}
