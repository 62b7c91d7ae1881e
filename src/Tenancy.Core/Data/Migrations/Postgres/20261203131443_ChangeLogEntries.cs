using Microsoft.EntityFrameworkCore.Migrations;
using Tenancy.Core.Features.Restore;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Postgres
{
    /// <summary>
    /// The change log holds entries of up to <see cref="ChangeCaptureSql.RowsPerEntry"/> rows
    /// (one per statement and tenant) instead of one row per change: keys and before-images move
    /// into JSON arrays, compressed with lz4 where the server has it (decision 0005,
    /// docs/benchmarks.md). Existing changes become entries of one row.
    /// </summary>
    public partial class ChangeLogEntries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "row_count",
                table: "tenant_changes",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "row_keys",
                table: "tenant_changes",
                type: "json",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "befores",
                table: "tenant_changes",
                type: "json",
                nullable: true);

            // Each existing change becomes an entry of one row, its key and image written as the
            // triggers write them (a rewind compares them as text).
            foreach (var table in ChangeCaptureSql.Tables(TargetModel))
            {
                migrationBuilder.Sql(ChangeCaptureSql.ConvertOneRowChangesSql(table));
            }

            migrationBuilder.DropColumn(name: "before", table: "tenant_changes");
            migrationBuilder.DropColumn(name: "row_key", table: "tenant_changes");

            // lz4 on every partition (new ones inherit it from the parent); a server built
            // without lz4 keeps the default (pglz): slower to write, the same to read.
            migrationBuilder.Sql("""
                DO $$
                DECLARE
                  part regclass;
                BEGIN
                  FOR part IN SELECT relid FROM pg_partition_tree('tenant_changes') LOOP
                    EXECUTE format('ALTER TABLE %s ALTER COLUMN row_keys SET COMPRESSION lz4, ALTER COLUMN befores SET COMPRESSION lz4', part);
                  END LOOP;
                EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
                  NULL;
                END $$;
                """);

            migrationBuilder.Sql(ChangeCaptureSql.Install(TargetModel, DatabaseProvider.Postgres));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            throw new NotSupportedException(
                "The change log's entries of many rows cannot go back to one row per change without reordering them: restore the database from a backup taken before this migration.");
    }
}
