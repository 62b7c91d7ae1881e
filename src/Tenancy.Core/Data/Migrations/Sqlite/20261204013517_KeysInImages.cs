using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KeysInImages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Nothing on SQLite: its row triggers still write every key (the PostgreSQL migration of the same name reinstalls those).
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
