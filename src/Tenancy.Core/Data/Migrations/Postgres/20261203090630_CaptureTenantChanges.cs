using Microsoft.EntityFrameworkCore.Migrations;
using Tenancy.Core.Features.Restore;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CaptureTenantChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Partitioned by week (EF cannot declare partitions); the columns and key are the model's.
            migrationBuilder.Sql(TenantChangePartitions.CreateTableSql);

            // Capture every write of the tenant-owned tables of this migration's model (decision 0005).
            migrationBuilder.Sql(ChangeCaptureSql.Install(TargetModel, DatabaseProvider.Postgres));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ChangeCaptureSql.Uninstall(TargetModel, DatabaseProvider.Postgres));
            migrationBuilder.Sql(TenantChangePartitions.DropTableSql);
        }
    }
}
