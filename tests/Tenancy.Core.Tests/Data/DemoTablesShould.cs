using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Tenancy.Core.Data;
using Tenancy.Core.Data.Seeding;
using Tenancy.Core.Features.TenantData;

namespace Tenancy.Core.Tests.Data;

/// <summary>
/// The demo loaders' column lists (<see cref="DemoTables"/>, which both loaders build their
/// COPY and INSERT statements from) agree with the EF model of each provider. When a migration
/// adds, renames or drops a column of a loaded table, or adds a tenant-data table, this fails and
/// says which table and column to fix. No database needed: the model is enough.
/// </summary>
public sealed class DemoTablesShould
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Postgres, DatabaseProvider.Sqlite];

    [Theory]
    [MemberData(nameof(Providers))]
    public void ListEveryColumnOfTheModelThatTheDatabaseDoesNotFillItself(DatabaseProvider provider)
    {
        var model = ModelOf(provider);

        var drift = DemoTables.All.SelectMany(table => Drift(table, model)).ToList();

        Assert.True(drift.Count == 0, $"The demo loaders' tables (Data/Seeding/DemoTables.cs) drifted from the {provider} model:\n" + string.Join("\n", drift));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void LoadEveryTenantDataTable(DatabaseProvider provider)
    {
        var loaded = DemoTables.All.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        var missing = TenantDataTables.From(ModelOf(provider)).Select(e => e.GetTableName()!).Where(t => !loaded.Contains(t)).ToList();

        Assert.True(missing.Count == 0, $"Tenant-data tables the demo loaders do not fill (add them to DemoTables and the generators): {string.Join(", ", missing)}");
    }

    [Fact]
    public void NameTheColumnsThatDrifted()
    {
        // The check itself: "members" as if a migration had renamed name to display_name and
        // added a nullable nickname, with a stale entry in LeftToDefault.
        var stale = new DemoTable(
            "members", ["tenant_id", "id", "email", "display_name", "role", "created_at"], ["nickname"]);

        var drift = Drift(stale, ModelOf(DatabaseProvider.Sqlite));

        Assert.Equal(
            [
                "members: the loaders write display_name, which the model does not have (or the database computes)",
                "members: LeftToDefault names nickname, which the model does not have",
                "members: the model has name, which the loaders neither write nor leave to its default",
            ],
            drift);
        Assert.Equal(
            ["nowhere: the model has no table of that name"],
            Drift(new DemoTable("nowhere", "id"), ModelOf(DatabaseProvider.Sqlite)));
    }

    /// <summary>What differs between a loader table and the model, one line per column.</summary>
    private static List<string> Drift(DemoTable table, IModel model)
    {
        var store = StoreObjectIdentifier.Table(table.Name);
        var properties = model.GetEntityTypes()
            .Where(e => e.GetTableName() == table.Name)
            .SelectMany(e => e.GetProperties())
            .Where(p => p.GetColumnName(store) is not null)
            .ToList();
        if (properties.Count == 0)
        {
            return [$"{table.Name}: the model has no table of that name"];
        }

        // Computed columns cannot be written; columns with a database default, identity or
        // autoincrement may be, but need not be.
        var writable = properties.Where(p => p.GetComputedColumnSql(store) is null).ToList();
        var writableNames = writable.Select(p => p.GetColumnName(store)!).ToHashSet(StringComparer.Ordinal);
        var required = writable.Where(p => !FilledByTheDatabase(p, store)).Select(p => p.GetColumnName(store)!);
        var allNames = properties.Select(p => p.GetColumnName(store)!).ToHashSet(StringComparer.Ordinal);

        var drift = new List<string>();
        drift.AddRange(table.Columns.GroupBy(c => c).Where(g => g.Count() > 1)
            .Select(g => $"{table.Name}: the loaders write {g.Key} {g.Count()} times"));
        drift.AddRange(table.Columns.Where(c => !writableNames.Contains(c))
            .Select(c => $"{table.Name}: the loaders write {c}, which the model does not have (or the database computes)"));
        drift.AddRange(table.LeftToDefault.Where(c => !allNames.Contains(c))
            .Select(c => $"{table.Name}: LeftToDefault names {c}, which the model does not have"));
        drift.AddRange(table.LeftToDefault.Where(table.Columns.Contains)
            .Select(c => $"{table.Name}: {c} is both written and left to its default"));
        drift.AddRange(required.Where(c => !table.Columns.Contains(c) && !table.LeftToDefault.Contains(c))
            .Select(c => $"{table.Name}: the model has {c}, which the loaders neither write nor leave to its default"));
        return drift;
    }

    /// <summary>
    /// A column the database fills when an INSERT leaves it out: a default value or an identity.
    /// Guid keys are generated by EF Core on the client, so the loaders must write them.
    /// </summary>
    private static bool FilledByTheDatabase(IProperty property, in StoreObjectIdentifier store) =>
        property.GetDefaultValueSql(store) is not null
        || property.GetDefaultValue(store) is not null
        || (property.ValueGenerated != ValueGenerated.Never && property.ClrType != typeof(Guid));

    /// <summary>The provider's design-time model: it keeps computed-column SQL and defaults, which the runtime model drops.</summary>
    private static IModel ModelOf(DatabaseProvider provider)
    {
        var connectionString = provider == DatabaseProvider.Postgres ? "Host=unused" : "Data Source=:memory:";
        using var db = TenancyDatabase.Create(provider, connectionString);
        return db.GetService<IDesignTimeModel>().Model;
    }
}
