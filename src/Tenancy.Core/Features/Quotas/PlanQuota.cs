using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// A plan's default limit for one metric (<c>plan_quotas</c>). Like plans, a small shared
/// reference table: it points at <c>plans</c>, nothing tenant-owned points at it.
/// </summary>
public sealed class PlanQuota
{
    public required string PlanId { get; init; }

    public QuotaMetric Metric { get; init; }

    /// <summary>The limit, or null for unlimited.</summary>
    public long? DefaultLimit { get; set; }
}

/// <summary>The plans' default limits every installation starts with (seed data applied by the migrations).</summary>
public static class PlanQuotaDefaults
{
    private const long Unlimited = -1;

    public static IReadOnlyList<PlanQuota> All { get; } =
    [
        .. Plan(PlanCatalog.Free, seats: 3, projects: 3, storage: 1 * QuotaMetrics.GB, requestsPerMonth: 10_000, requestsPerSecond: 5, transfer: 5 * QuotaMetrics.GB),
        .. Plan(PlanCatalog.Starter, seats: 10, projects: 25, storage: 50 * QuotaMetrics.GB, requestsPerMonth: 1_000_000, requestsPerSecond: 20, transfer: 100 * QuotaMetrics.GB),
        .. Plan(PlanCatalog.Professional, seats: 50, projects: 250, storage: 500 * QuotaMetrics.GB, requestsPerMonth: 10_000_000, requestsPerSecond: 100, transfer: 1 * QuotaMetrics.TB),
        .. Plan(PlanCatalog.Enterprise, seats: Unlimited, projects: Unlimited, storage: 10 * QuotaMetrics.TB, requestsPerMonth: Unlimited, requestsPerSecond: 1_000, transfer: Unlimited),
    ];

    private static IEnumerable<PlanQuota> Plan(
        string planId, long seats, long projects, long storage, long requestsPerMonth, long requestsPerSecond, long transfer)
    {
        long?[] limits = [seats, projects, storage, requestsPerMonth, requestsPerSecond, transfer];
        return limits.Select((limit, i) => new PlanQuota
        {
            PlanId = planId,
            Metric = (QuotaMetric)i,
            DefaultLimit = limit == Unlimited ? null : limit,
        });
    }
}

internal sealed class PlanQuotaConfiguration : IEntityTypeConfiguration<PlanQuota>
{
    public void Configure(EntityTypeBuilder<PlanQuota> quota)
    {
        quota.ToTable("plan_quotas");
        quota.HasKey(q => new { q.PlanId, q.Metric });
        quota.Property(q => q.PlanId).HasMaxLength(32);
        quota.Property(q => q.Metric).HasConversion<string>().HasMaxLength(QuotaMetricColumn.MaxLength);
        quota.HasOne<Plan>().WithMany().HasForeignKey(q => q.PlanId).OnDelete(DeleteBehavior.Cascade);
        quota.HasData(PlanQuotaDefaults.All);
    }
}
