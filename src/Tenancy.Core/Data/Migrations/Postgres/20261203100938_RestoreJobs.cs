using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Tenancy.Core.Features.Restore;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RestoreJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "restore_job_id",
                table: "tenants",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "restore_jobs",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    point_in_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    undoes_job_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    requested_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    requested_by_subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    requested_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expected_rows = table.Column<int>(type: "integer", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    lease_until = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    rewound_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    duration_ms = table.Column<long>(type: "bigint", nullable: true),
                    deleted = table.Column<int>(type: "integer", nullable: true),
                    reinserted = table.Column<int>(type: "integer", nullable: true),
                    changed = table.Column<int>(type: "integer", nullable: true),
                    tables = table.Column<string>(type: "text", nullable: true),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_restore_jobs", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "FK_restore_jobs_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_restore_jobs_tenant_id_requested_at",
                table: "restore_jobs",
                columns: new[] { "tenant_id", "requested_at" });

            migrationBuilder.CreateIndex(
                name: "ix_restore_jobs_unfinished",
                table: "restore_jobs",
                columns: new[] { "requested_at", "id" },
                filter: "state IN ('Queued', 'Running')");

            migrationBuilder.CreateIndex(
                name: "ux_restore_jobs_active",
                table: "restore_jobs",
                column: "tenant_id",
                unique: true,
                filter: "state IN ('Queued', 'Running')");

            // Tenant data written before capture was installed has no history: restores stop there.
            // The mark is a history start of TenantRewind.CaptureInstalledMarkerTenant, written
            // only if tenants already existed (a database created empty needs none); in the log's
            // shape of this migration (ChangeLogEntries converts it).
            migrationBuilder.Sql(
                "INSERT INTO tenant_changes (tenant_id, changed_at, table_name, row_key, op) " +
                $"SELECT '{TenantRewind.CaptureInstalledMarkerTenant}', now(), '', '{{}}', 'L' WHERE EXISTS (SELECT 1 FROM tenants)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DELETE FROM tenant_changes WHERE tenant_id = '{TenantRewind.CaptureInstalledMarkerTenant}' AND op = 'L'");
            migrationBuilder.DropTable(
                name: "restore_jobs");

            migrationBuilder.DropColumn(
                name: "restore_job_id",
                table: "tenants");
        }
    }
}
