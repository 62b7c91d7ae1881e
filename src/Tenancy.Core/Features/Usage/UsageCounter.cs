using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Usage;

/// <summary>
/// How much of a monthly metric a tenant used in one calendar month (UTC)
/// (<c>usage_counters</c>, key <c>(tenant_id, metric, period)</c>). Control plane: metering is
/// not rewound by a tenant restore. Written only through <see cref="UsageCounters.ConsumeAsync"/>,
/// an atomic increment, so concurrent writers never lose counts.
/// </summary>
public sealed class UsageCounter
{
    public const int PeriodLength = 7;

    public Guid TenantId { get; init; }

    public QuotaMetric Metric { get; init; }

    /// <summary>The calendar month, <c>yyyy-MM</c> (UTC); see <see cref="QuotaMetrics.PeriodOf"/>.</summary>
    public required string Period { get; init; }

    public long Used { get; set; }

    public DateTime UpdatedAt { get; set; }
}

internal sealed class UsageCounterConfiguration : IEntityTypeConfiguration<UsageCounter>
{
    public void Configure(EntityTypeBuilder<UsageCounter> counter)
    {
        counter.ToTable("usage_counters");
        counter.HasKey(c => new { c.TenantId, c.Metric, c.Period });
        counter.Property(c => c.Metric).HasConversion<string>().HasMaxLength(QuotaMetricColumn.MaxLength);
        counter.Property(c => c.Period).HasMaxLength(UsageCounter.PeriodLength).IsFixedLength(false);
        counter.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
