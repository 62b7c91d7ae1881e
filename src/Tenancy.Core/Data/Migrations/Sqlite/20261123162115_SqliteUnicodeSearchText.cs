using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SqliteUnicodeSearchText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "search_text",
                table: "tenants",
                type: "TEXT",
                maxLength: 556,
                nullable: false,
                computedColumnSql: "unicode_lower(name || ' ' || slug || ' ' || owner_email)",
                stored: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 556,
                oldComputedColumnSql: "lower(name || ' ' || slug || ' ' || owner_email)",
                oldStored: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "search_text",
                table: "tenants",
                type: "TEXT",
                maxLength: 556,
                nullable: false,
                computedColumnSql: "lower(name || ' ' || slug || ' ' || owner_email)",
                stored: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 556,
                oldComputedColumnSql: "unicode_lower(name || ' ' || slug || ' ' || owner_email)",
                oldStored: true);
        }
    }
}
