using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddBilling : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "stripe_events",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    api_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    livemode = table.Column<bool>(type: "boolean", nullable: false),
                    customer_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    subscription_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    payload = table.Column<string>(type: "text", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: true),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    processed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    outcome = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stripe_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "suspensions",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    started_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    status_before = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    lifted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    lifted_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    lift_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_suspensions", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "FK_suspensions_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tenant_billing",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    subscription_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    subscription_status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    past_due_since = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    grace_deadline = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    suspended_for_billing = table.Column<bool>(type: "boolean", nullable: false),
                    last_event_created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_event_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_billing", x => x.tenant_id);
                    table.ForeignKey(
                        name: "FK_tenant_billing_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_stripe_events_customer_id",
                table: "stripe_events",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_stripe_events_due",
                table: "stripe_events",
                columns: new[] { "next_attempt_at", "id" },
                filter: "state = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "IX_stripe_events_received_at_id",
                table: "stripe_events",
                columns: new[] { "received_at", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_stripe_events_state_received_at_id",
                table: "stripe_events",
                columns: new[] { "state", "received_at", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_stripe_events_tenant_id_created_at",
                table: "stripe_events",
                columns: new[] { "tenant_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_stripe_events_type_received_at_id",
                table: "stripe_events",
                columns: new[] { "type", "received_at", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_suspensions_tenant_id_started_at",
                table: "suspensions",
                columns: new[] { "tenant_id", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ux_suspensions_active_billing",
                table: "suspensions",
                column: "tenant_id",
                unique: true,
                filter: "category = 'Billing' AND lifted_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_tenant_billing_grace_due",
                table: "tenant_billing",
                column: "grace_deadline",
                filter: "grace_deadline IS NOT NULL AND suspended_for_billing = false");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "stripe_events");

            migrationBuilder.DropTable(
                name: "suspensions");

            migrationBuilder.DropTable(
                name: "tenant_billing");
        }
    }
}
