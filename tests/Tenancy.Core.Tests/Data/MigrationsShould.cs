using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Data;

/// <summary>
/// Each provider's migration set matches the EF model and builds the schema from nothing.
/// Fails when the model changed and nobody ran scripts/add-migration.sh.
/// </summary>
public abstract class MigrationsShould(TestDatabase emptyDatabase)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CoverEveryModelChange()
    {
        await using var db = emptyDatabase.CreateContext();

        Assert.False(
            db.Database.HasPendingModelChanges(),
            $"The EF model of {db.GetType().Name} has changes that no migration captures: run scripts/add-migration.sh <Name>.");
    }

    [Fact]
    public async Task ApplyCleanlyToAnEmptyDatabase()
    {
        await using var db = emptyDatabase.CreateContext();
        Assert.Empty(await db.Database.GetAppliedMigrationsAsync(Cancellation));

        await db.Database.MigrateAsync(Cancellation);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(Cancellation));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Cancellation));
        Assert.Equal(
            PlanCatalog.All.Select(p => p.Id).Order(StringComparer.Ordinal),
            (await db.Plans.Select(p => p.Id).ToListAsync(Cancellation)).Order(StringComparer.Ordinal));
        Assert.Equal(0, await db.Tenants.CountAsync(Cancellation));
    }
}

public sealed class MigrationsShouldOnPostgres(EmptyPostgresDatabase database)
    : MigrationsShould(database), IClassFixture<EmptyPostgresDatabase>;

public sealed class MigrationsShouldOnSqlite(EmptySqliteDatabase database)
    : MigrationsShould(database), IClassFixture<EmptySqliteDatabase>;

/// <summary>The two providers' migration sets, without a database.</summary>
public sealed partial class MigrationSetsShould
{
    [Fact]
    public void HaveTheSameMigrationsForBothProviders()
    {
        // scripts/add-migration.sh adds every migration to both sets under the same name.
        Assert.NotEmpty(Names(DatabaseProvider.Postgres));
        Assert.Equal(Names(DatabaseProvider.Postgres), Names(DatabaseProvider.Sqlite));
    }

    private static List<string> Names(DatabaseProvider provider)
    {
        using var db = TenancyDatabase.Create(provider, provider == DatabaseProvider.Postgres ? "Host=unused" : "Data Source=:memory:");
        return db.GetService<IMigrationsAssembly>().Migrations.Keys.Select(id => MigrationName().Match(id).Groups[1].Value).ToList();
    }

    [GeneratedRegex("^[0-9]{14}_(.+)$")]
    private static partial Regex MigrationName();
}
