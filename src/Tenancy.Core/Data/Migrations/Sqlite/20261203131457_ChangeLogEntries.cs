using Microsoft.EntityFrameworkCore.Migrations;
using Tenancy.Core.Features.Restore;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Sqlite
{
    /// <summary>
    /// The change log's entries hold arrays of keys and before-images (decision 0005); SQLite's
    /// row triggers write entries of one row. Existing changes become entries of one row.
    /// </summary>
    public partial class ChangeLogEntries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The triggers name the old columns: SQLite checks them when a column is renamed.
            migrationBuilder.Sql(ChangeCaptureSql.Uninstall(TargetModel, DatabaseProvider.Sqlite));

            migrationBuilder.RenameColumn(
                name: "row_key",
                table: "tenant_changes",
                newName: "row_keys");

            migrationBuilder.RenameColumn(
                name: "before",
                table: "tenant_changes",
                newName: "befores");

            migrationBuilder.AddColumn<int>(
                name: "row_count",
                table: "tenant_changes",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.Sql("""
                UPDATE tenant_changes
                SET row_count = CASE WHEN op = 'L' THEN 0 ELSE 1 END,
                    row_keys = CASE WHEN op = 'L' THEN '[]' ELSE json_array(json(row_keys)) END,
                    befores = CASE WHEN befores IS NULL THEN NULL ELSE json_array(json(befores)) END;
                """);

            migrationBuilder.Sql(ChangeCaptureSql.Install(TargetModel, DatabaseProvider.Sqlite));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            throw new NotSupportedException(
                "The change log's entries cannot go back to the earlier shape: restore the database from a backup taken before this migration.");
    }
}
