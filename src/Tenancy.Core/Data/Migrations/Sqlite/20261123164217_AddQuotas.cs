using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Tenancy.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddQuotas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "plan_quotas",
                columns: table => new
                {
                    plan_id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    metric = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    default_limit = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_plan_quotas", x => new { x.plan_id, x.metric });
                    table.ForeignKey(
                        name: "FK_plan_quotas_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tenant_quota_sets",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_quota_sets", x => x.tenant_id);
                    table.ForeignKey(
                        name: "FK_tenant_quota_sets_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "usage_counters",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    metric = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    period = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    used = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_counters", x => new { x.tenant_id, x.metric, x.period });
                    table.ForeignKey(
                        name: "FK_usage_counters_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tenant_quota_overrides",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    metric = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    value = table.Column<long>(type: "INTEGER", nullable: true),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_quota_overrides", x => new { x.tenant_id, x.metric });
                    table.ForeignKey(
                        name: "FK_tenant_quota_overrides_tenant_quota_sets_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenant_quota_sets",
                        principalColumn: "tenant_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "plan_quotas",
                columns: new[] { "metric", "plan_id", "default_limit" },
                values: new object[,]
                {
                    { "ApiRequestsPerMonth", "enterprise", null },
                    { "ApiRequestsPerSecond", "enterprise", 1000L },
                    { "Projects", "enterprise", null },
                    { "Seats", "enterprise", null },
                    { "StorageBytes", "enterprise", 10000000000000L },
                    { "TransferBytesPerMonth", "enterprise", null },
                    { "ApiRequestsPerMonth", "free", 10000L },
                    { "ApiRequestsPerSecond", "free", 5L },
                    { "Projects", "free", 3L },
                    { "Seats", "free", 3L },
                    { "StorageBytes", "free", 1000000000L },
                    { "TransferBytesPerMonth", "free", 5000000000L },
                    { "ApiRequestsPerMonth", "professional", 10000000L },
                    { "ApiRequestsPerSecond", "professional", 100L },
                    { "Projects", "professional", 250L },
                    { "Seats", "professional", 50L },
                    { "StorageBytes", "professional", 500000000000L },
                    { "TransferBytesPerMonth", "professional", 1000000000000L },
                    { "ApiRequestsPerMonth", "starter", 1000000L },
                    { "ApiRequestsPerSecond", "starter", 20L },
                    { "Projects", "starter", 25L },
                    { "Seats", "starter", 10L },
                    { "StorageBytes", "starter", 50000000000L },
                    { "TransferBytesPerMonth", "starter", 100000000000L }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "plan_quotas");

            migrationBuilder.DropTable(
                name: "tenant_quota_overrides");

            migrationBuilder.DropTable(
                name: "usage_counters");

            migrationBuilder.DropTable(
                name: "tenant_quota_sets");
        }
    }
}
