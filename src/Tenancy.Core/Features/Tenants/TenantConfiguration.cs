using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenancy.Core.Data;
using Tenancy.Core.Features.TenantData;

namespace Tenancy.Core.Features.Tenants;

/// <summary>
/// The tenants table, which differs by provider: applied by hand in
/// <see cref="TenancyDbContext"/> (not an <see cref="IEntityTypeConfiguration{TEntity}"/>, which the
/// assembly scan would find and warn it cannot construct).
/// </summary>
internal sealed class TenantConfiguration(DatabaseProvider provider)
{
    public void Configure(EntityTypeBuilder<Tenant> tenant)
    {
        tenant.ToTable("tenants");
        tenant.HasKey(t => t.Id);
        tenant.Property(t => t.Name).HasMaxLength(Tenant.NameMaxLength);
        tenant.Property(t => t.Slug).HasMaxLength(Tenant.SlugMaxLength);
        tenant.Property(t => t.OwnerName).HasMaxLength(Tenant.NameMaxLength);
        tenant.Property(t => t.OwnerEmail).HasMaxLength(Tenant.EmailMaxLength);
        tenant.Property(t => t.Status).HasConversion<string>().HasMaxLength(16);
        tenant.Property(t => t.PlanId).HasMaxLength(32);
        tenant.Property(t => t.Region).HasMaxLength(32);
        tenant.Property(t => t.StripeCustomerId).HasMaxLength(Tenant.StripeIdMaxLength);
        tenant.Property(t => t.StripeSubscriptionId).HasMaxLength(Tenant.StripeIdMaxLength);

        tenant.HasOne(t => t.Plan).WithMany().HasForeignKey(t => t.PlanId).OnDelete(DeleteBehavior.Restrict);

        // The tenant's own data goes with it. Declared here, so tenant data need not know the catalog.
        tenant.HasMany<Member>().WithOne().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
        tenant.HasMany<Project>().WithOne().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Cascade);
        tenant.HasMany<TenantSetting>().WithOne().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);

        // Name, slug and owner email in one lower-cased column, so a substring search is one
        // predicate and (on PostgreSQL) one trigram index instead of three.
        // SQLite's own lower() folds only A-Z, so there it is the Unicode-aware unicode_lower()
        // that TenancyDatabase registers on every connection.
        var lower = provider == DatabaseProvider.Postgres ? "lower" : SqliteFunctions.UnicodeLower;
        tenant.Property(t => t.SearchText)
            .HasMaxLength(Tenant.NameMaxLength + Tenant.SlugMaxLength + Tenant.EmailMaxLength + 2)
            .HasComputedColumnSql($"{lower}(name || ' ' || slug || ' ' || owner_email)", stored: true);

        // Keyset pagination: every sort is (sort column, id) so the order is total and stable.
        // Descending sorts read the same indexes backwards.
        var byName = tenant.HasIndex(t => new { t.Name, t.Id });
        var byCreated = tenant.HasIndex(t => new { t.CreatedAt, t.Id });
        tenant.HasIndex(t => new { t.Status, t.Name, t.Id });
        tenant.HasIndex(t => new { t.Status, t.CreatedAt, t.Id });
        tenant.HasIndex(t => new { t.PlanId, t.Name, t.Id });
        tenant.HasIndex(t => t.StripeCustomerId);
        tenant.HasIndex(t => t.Slug);

        if (provider == DatabaseProvider.Postgres)
        {
            // The two unfiltered sort indexes carry the search text, so a frequent search walks
            // them index-only (TenantSearchPlan.Frequent): no table row is read until the page's
            // 51 ids are known.
            byName.IncludeProperties(t => t.SearchText);
            byCreated.IncludeProperties(t => t.SearchText);

            // The same two without the deleted tenants, for the list's default view (deleted
            // hidden): its walk filters on status, which the two above do not hold, so it read
            // every row of a window from the table (150 ms for a 100,000-row window at 1 M
            // tenants); these keep it index-only (decision 0002, docs/benchmarks.md).
            tenant.HasIndex(t => new { t.Name, t.Id }, "ix_tenants_name_id_not_deleted")
                .HasFilter("status <> 'Deleted'")
                .IncludeProperties(t => t.SearchText);
            tenant.HasIndex(t => new { t.CreatedAt, t.Id }, "ix_tenants_created_at_id_not_deleted")
                .HasFilter("status <> 'Deleted'")
                .IncludeProperties(t => t.SearchText);

            tenant.HasIndex(t => t.SearchText, "ix_tenants_search_text_trgm")
                .HasMethod("gin")
                .HasOperators("gin_trgm_ops");
        }
    }
}

internal sealed class TenantSlugConfiguration : IEntityTypeConfiguration<TenantSlug>
{
    public void Configure(EntityTypeBuilder<TenantSlug> slug)
    {
        slug.ToTable("tenant_slugs");
        slug.HasKey(s => s.Slug);
        slug.Property(s => s.Slug).HasMaxLength(Tenant.SlugMaxLength);
        slug.HasIndex(s => s.TenantId);
    }
}
