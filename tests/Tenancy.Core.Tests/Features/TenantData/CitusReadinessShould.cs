using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Tenancy.Core.Data;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.TenantData;

/// <summary>
/// The EF model (no database) follows the rules that let the schema distribute by tenant on
/// Citus: see <see cref="CitusRules"/> and DESIGN.md, "Ready for a distributed PostgreSQL".
/// </summary>
public sealed class CitusReadinessShould
{
    public static TheoryData<DatabaseProvider> Providers { get; } = [DatabaseProvider.Postgres, DatabaseProvider.Sqlite];

    [Theory]
    [MemberData(nameof(Providers))]
    public void KnowWhichTablesHoldTenantData(DatabaseProvider provider)
    {
        var tables = TenantDataTables.From(ModelOf(provider)).Select(e => e.GetTableName());

        Assert.Superset(new HashSet<string?> { "members", "projects", "project_items", "tenant_settings" }, tables.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void GiveEveryTenantOwnedTableATenantIdColumn(DatabaseProvider provider) =>
        AssertFollows(provider, CitusRule.TenantIdColumn);

    [Theory]
    [MemberData(nameof(Providers))]
    public void IncludeTenantIdInThePrimaryKeyOfTenantData(DatabaseProvider provider) =>
        AssertFollows(provider, CitusRule.PrimaryKey);

    [Theory]
    [MemberData(nameof(Providers))]
    public void IncludeTenantIdInEveryUniqueIndexOfTenantData(DatabaseProvider provider) =>
        AssertFollows(provider, CitusRule.Unique);

    [Theory]
    [MemberData(nameof(Providers))]
    public void IncludeTenantIdInForeignKeysBetweenTenantOwnedTables(DatabaseProvider provider) =>
        AssertFollows(provider, CitusRule.ForeignKeyWithTenantId);

    [Theory]
    [MemberData(nameof(Providers))]
    public void NeverSetNullOrDefaultOnDeleteInTenantData(DatabaseProvider provider) =>
        AssertFollows(provider, CitusRule.NoSetNullOnDelete);

    [Theory]
    [MemberData(nameof(Providers))]
    public void KeepOtherTablesFromPointingAtTenantData(DatabaseProvider provider) =>
        AssertFollows(provider, CitusRule.NoReferenceToTenantData);

    private static void AssertFollows(DatabaseProvider provider, CitusRule rule)
    {
        var violations = CitusRules.Check(ModelOf(provider)).Where(v => v.Rule == rule).Select(v => v.ToString());

        Assert.Empty(violations);
    }

    private static IModel ModelOf(DatabaseProvider provider)
    {
        // Building the model opens no connection.
        using var db = TenancyDatabase.Create(provider, provider == DatabaseProvider.Postgres ? "Host=unused" : "Data Source=:memory:");
        return db.GetService<IDesignTimeModel>().Model;
    }
}

/// <summary>The checker itself: it reports each rule a model breaks (so a clean report means something).</summary>
public sealed class CitusRulesShould
{
    [Fact]
    public void ReportEveryRuleABrokenModelBreaks()
    {
        using var db = new BrokenModelContext();
        var violations = CitusRules.Check(db.GetService<IDesignTimeModel>().Model);

        Assert.Equal(Enum.GetValues<CitusRule>().Order(), violations.Select(v => v.Rule).Distinct().Order());
        Assert.Contains(violations, v => v is { Rule: CitusRule.PrimaryKey, Table: "children" });
        Assert.Contains(violations, v => v is { Rule: CitusRule.Unique, Table: "children" });
        Assert.Contains(violations, v => v is { Rule: CitusRule.Unique, Table: "parents" });
        Assert.Contains(violations, v => v is { Rule: CitusRule.ForeignKeyWithTenantId, Table: "children" });
        Assert.Contains(violations, v => v is { Rule: CitusRule.NoSetNullOnDelete, Table: "children" });
        Assert.Contains(violations, v => v is { Rule: CitusRule.NoReferenceToTenantData, Table: "lookups" });
        Assert.Contains(violations, v => v is { Rule: CitusRule.TenantIdColumn, Table: "orphans" });
        Assert.DoesNotContain(violations, v => v.Table == "good_children");
    }

    [Fact]
    public void ReportNothingForAModelThatFollowsTheRules()
    {
        using var db = new BrokenModelContext();
        var model = db.GetService<IDesignTimeModel>().Model;

        Assert.DoesNotContain(CitusRules.Check(model), v => v.Table is "good_children" or "tenants_ref");
    }

    private sealed class Parent : ITenantOwned
    {
        public Guid TenantId { get; set; }

        public Guid Id { get; set; }

        public string Code { get; set; } = "";
    }

    private sealed class Child : ITenantOwned
    {
        public Guid TenantId { get; set; }

        public Guid Id { get; set; }

        public Guid? ParentId { get; set; }

        public string Code { get; set; } = "";
    }

    private sealed class GoodChild : ITenantOwned
    {
        public Guid TenantId { get; set; }

        public Guid Id { get; set; }

        public Guid ParentId { get; set; }
    }

    private sealed class Lookup
    {
        public int Id { get; set; }

        public Guid? ParentId { get; set; }

        public Guid? ParentTenantId { get; set; }
    }

    private sealed class Orphan : ITenantOwned
    {
        public Guid TenantId { get; set; }

        public Guid Id { get; set; }
    }

    private sealed class BrokenModelContext : DbContext
    {
        protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
            optionsBuilder.UseSqlite("Data Source=:memory:");

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<Parent>(b =>
            {
                b.ToTable("parents");
                b.HasKey(p => new { p.TenantId, p.Id });
                b.Property(p => p.TenantId).HasColumnName("tenant_id");
                b.HasIndex(p => p.Code).IsUnique();                            // unique without tenant_id
            });
            modelBuilder.Entity<Child>(b =>
            {
                b.ToTable("children");
                b.HasKey(c => c.Id);                                           // primary key without tenant_id
                b.Property(c => c.TenantId).HasColumnName("tenant_id");
                b.HasAlternateKey(c => c.Code);                                // unique constraint without tenant_id
                b.HasOne<Parent>().WithMany().HasForeignKey(c => c.ParentId)   // foreign key without tenant_id
                    .HasPrincipalKey(p => p.Id).OnDelete(DeleteBehavior.SetNull);
            });
            modelBuilder.Entity<GoodChild>(b =>
            {
                b.ToTable("good_children");
                b.HasKey(c => new { c.TenantId, c.Id });
                b.Property(c => c.TenantId).HasColumnName("tenant_id");
                b.HasOne<Parent>().WithMany().HasForeignKey(c => new { c.TenantId, c.ParentId })
                    .HasPrincipalKey(p => new { p.TenantId, p.Id }).OnDelete(DeleteBehavior.Cascade);
            });
            modelBuilder.Entity<Lookup>(b =>
            {
                b.ToTable("lookups");                                          // not tenant data, points at it
                b.HasOne<Parent>().WithMany().HasForeignKey(l => new { l.ParentTenantId, l.ParentId })
                    .HasPrincipalKey(p => new { p.TenantId, p.Id }).OnDelete(DeleteBehavior.Restrict);
            });
            modelBuilder.Entity<Orphan>(b =>
            {
                b.ToTable("orphans");
                b.HasKey(o => new { o.TenantId, o.Id });
                b.Property(o => o.TenantId).HasColumnName("owner_id");         // no tenant_id column
            });
        }
    }
}
