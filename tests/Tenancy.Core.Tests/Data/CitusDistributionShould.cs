using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Tenancy.Core.Data;
using Tenancy.Core.Data.Citus;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.TenantData;

namespace Tenancy.Core.Tests.Data;

/// <summary>The Citus distribution plan, read off the EF model (decision 0006); no database needed.</summary>
public sealed class CitusDistributionShould
{
    private static IModel Model()
    {
        using var db = TenancyDatabase.Create(DatabaseProvider.Postgres, "Host=unused");
        return db.GetService<IDesignTimeModel>().Model;
    }

    [Fact]
    public void DecideWhereEveryTableOfTheModelLives()
    {
        var model = Model();

        Assert.Empty(CitusDistribution.Undecided(model));
        Assert.Empty(CitusDistribution.StaleDeclarations(model));
    }

    [Fact]
    public void ShardExactlyTheTenantDataItsChangeLogAndUsageOverTimeByTenant()
    {
        var model = Model();
        var tenantData = TenantDataTables.From(model).Select(e => e.GetTableName()!).Append(TenantChangeConfiguration.TableName).Append("usage_days");

        var distributed = CitusDistribution.PlanFor(model)
            .Where(t => t.Placement == TablePlacement.DistributedByTenant)
            .Select(t => t.Table);

        Assert.Equal(tenantData.Order(StringComparer.Ordinal), distributed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void KeepTheTenantCatalogAndItsQueuesOnTheCoordinator()
    {
        var plan = CitusDistribution.PlanFor(Model()).ToDictionary(t => t.Table, t => t.Placement);

        Assert.All(["tenants", "tenant_slugs", "stripe_events", "restore_jobs", "audit_log", "plans"],
            table => Assert.Equal(TablePlacement.Coordinator, plan[table]));
    }

    [Fact]
    public void DistributeTheLogFirstAndEveryTableAfterTheTablesItPointsAt()
    {
        var order = CitusDistribution.DistributionOrder(Model()).ToList();

        Assert.Equal(TenantChangeConfiguration.TableName, order[0]);
        Assert.True(order.IndexOf("projects") < order.IndexOf("project_items"), string.Join(", ", order));
    }

    [Fact]
    public void RefuseAModelWithATableNoOneDecidedOn()
    {
        var builder = new ModelBuilder();
        builder.Entity<Undeclared>().ToTable("undeclared_things").HasKey(u => u.Id);
        var model = builder.FinalizeModel();

        var error = Assert.Throws<InvalidOperationException>(() => CitusDistribution.PlanFor(model));

        Assert.Contains("undeclared_things", error.Message, StringComparison.Ordinal);
        Assert.Equal(["undeclared_things"], CitusDistribution.Undecided(model));
    }

    [Fact]
    public void PlaceANewTenantOwnedTableWithTheTenantDataWithoutADeclaration()
    {
        var builder = new ModelBuilder();
        builder.Entity<NewTenantThing>().ToTable("new_tenant_things").HasKey(t => new { t.TenantId, t.Id });
        var model = builder.FinalizeModel();

        Assert.Equal([new TableDistribution("new_tenant_things", TablePlacement.DistributedByTenant)], CitusDistribution.PlanFor(model));
    }

    private sealed class Undeclared
    {
        public int Id { get; set; }
    }

    private sealed class NewTenantThing : ITenantOwned
    {
        public Guid TenantId { get; set; }

        public Guid Id { get; set; }
    }
}
