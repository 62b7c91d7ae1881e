using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageSeries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "quota_pressure",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    metric = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    used = table.Column<long>(type: "INTEGER", nullable: false),
                    limit = table.Column<long>(type: "INTEGER", nullable: false),
                    ratio = table.Column<double>(type: "REAL", nullable: false),
                    projected_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_quota_pressure", x => new { x.tenant_id, x.metric });
                });

            migrationBuilder.CreateTable(
                name: "usage_api_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    prefix = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    secret_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    rate_per_second = table.Column<int>(type: "INTEGER", nullable: true),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_used_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    revoked_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    revoked_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_api_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "usage_buckets",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    metric = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    minute = table.Column<DateTime>(type: "TEXT", nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    recorded_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    rolled_up_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_buckets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "usage_days",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    metric = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    day = table.Column<DateTime>(type: "TEXT", nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    h00 = table.Column<long>(type: "INTEGER", nullable: true),
                    h01 = table.Column<long>(type: "INTEGER", nullable: true),
                    h02 = table.Column<long>(type: "INTEGER", nullable: true),
                    h03 = table.Column<long>(type: "INTEGER", nullable: true),
                    h04 = table.Column<long>(type: "INTEGER", nullable: true),
                    h05 = table.Column<long>(type: "INTEGER", nullable: true),
                    h06 = table.Column<long>(type: "INTEGER", nullable: true),
                    h07 = table.Column<long>(type: "INTEGER", nullable: true),
                    h08 = table.Column<long>(type: "INTEGER", nullable: true),
                    h09 = table.Column<long>(type: "INTEGER", nullable: true),
                    h10 = table.Column<long>(type: "INTEGER", nullable: true),
                    h11 = table.Column<long>(type: "INTEGER", nullable: true),
                    h12 = table.Column<long>(type: "INTEGER", nullable: true),
                    h13 = table.Column<long>(type: "INTEGER", nullable: true),
                    h14 = table.Column<long>(type: "INTEGER", nullable: true),
                    h15 = table.Column<long>(type: "INTEGER", nullable: true),
                    h16 = table.Column<long>(type: "INTEGER", nullable: true),
                    h17 = table.Column<long>(type: "INTEGER", nullable: true),
                    h18 = table.Column<long>(type: "INTEGER", nullable: true),
                    h19 = table.Column<long>(type: "INTEGER", nullable: true),
                    h20 = table.Column<long>(type: "INTEGER", nullable: true),
                    h21 = table.Column<long>(type: "INTEGER", nullable: true),
                    h22 = table.Column<long>(type: "INTEGER", nullable: true),
                    h23 = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_days", x => new { x.tenant_id, x.metric, x.day });
                });

            migrationBuilder.CreateTable(
                name: "usage_flushes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    flushed_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_flushes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "usage_watermarks",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    value = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_watermarks", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "usage_ingest_ids",
                columns: table => new
                {
                    api_key_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    event_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    received_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_ingest_ids", x => new { x.api_key_id, x.event_id });
                    table.ForeignKey(
                        name: "FK_usage_ingest_ids_usage_api_keys_api_key_id",
                        column: x => x.api_key_id,
                        principalTable: "usage_api_keys",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_quota_pressure_ratio",
                table: "quota_pressure",
                columns: new[] { "ratio", "tenant_id" },
                descending: new[] { true, false });

            migrationBuilder.CreateIndex(
                name: "IX_usage_api_keys_secret_hash",
                table: "usage_api_keys",
                column: "secret_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_usage_buckets_pending",
                table: "usage_buckets",
                column: "id",
                filter: "rolled_up_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_usage_buckets_rolled_up_at",
                table: "usage_buckets",
                column: "rolled_up_at",
                filter: "rolled_up_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_usage_buckets_tenant_id_metric_minute",
                table: "usage_buckets",
                columns: new[] { "tenant_id", "metric", "minute" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_flushes_flushed_at",
                table: "usage_flushes",
                column: "flushed_at");

            migrationBuilder.CreateIndex(
                name: "IX_usage_ingest_ids_received_at",
                table: "usage_ingest_ids",
                column: "received_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "quota_pressure");

            migrationBuilder.DropTable(
                name: "usage_buckets");

            migrationBuilder.DropTable(
                name: "usage_days");

            migrationBuilder.DropTable(
                name: "usage_flushes");

            migrationBuilder.DropTable(
                name: "usage_ingest_ids");

            migrationBuilder.DropTable(
                name: "usage_watermarks");

            migrationBuilder.DropTable(
                name: "usage_api_keys");
        }
    }
}
