using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// A tenant's quota overrides and the version that guards them (<c>tenant_quota_sets</c> +
/// <c>tenant_quota_overrides</c>). Control plane: a per-tenant restore never rewinds it. A tenant
/// without a row has version 0 and no overrides (every metric inherits the plan). Every change
/// to the overrides or the tenant's plan increments <see cref="Version"/>, an explicit integer
/// concurrency token (SQLite has no <c>xmin</c>), so two staff editing at once cannot silently
/// overwrite each other, and other application instances notice the change.
/// </summary>
public sealed class TenantQuotaSet
{
    public Guid TenantId { get; init; }

    public int Version { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Who made the last change (the staff member's display name).</summary>
    public required string UpdatedBy { get; set; }

    public List<TenantQuotaOverride> Overrides { get; } = [];
}

/// <summary>
/// One metric's override: a limit, or unlimited (<see cref="Value"/> null). An absent row means
/// "inherit the plan".
/// </summary>
public sealed class TenantQuotaOverride
{
    public Guid TenantId { get; init; }

    public QuotaMetric Metric { get; init; }

    /// <summary>The limit, or null for unlimited.</summary>
    public long? Value { get; set; }

    public DateTime UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }
}

internal sealed class TenantQuotaSetConfiguration : IEntityTypeConfiguration<TenantQuotaSet>
{
    public const int UpdatedByMaxLength = 200;

    public void Configure(EntityTypeBuilder<TenantQuotaSet> set)
    {
        set.ToTable("tenant_quota_sets");
        set.HasKey(s => s.TenantId);
        set.Property(s => s.Version).IsConcurrencyToken();
        set.Property(s => s.UpdatedBy).HasMaxLength(UpdatedByMaxLength);
        set.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);

        set.OwnsMany(s => s.Overrides, o =>
        {
            o.ToTable("tenant_quota_overrides");
            o.WithOwner().HasForeignKey(x => x.TenantId);
            o.HasKey(x => new { x.TenantId, x.Metric });
            o.Property(x => x.Metric).HasConversion<string>().HasMaxLength(QuotaMetricColumn.MaxLength);
            o.Property(x => x.UpdatedBy).HasMaxLength(UpdatedByMaxLength);
        });
    }
}
