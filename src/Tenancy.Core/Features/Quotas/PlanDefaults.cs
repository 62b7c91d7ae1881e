using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>Every plan's default limits, indexed by metric (null = unlimited; a metric without a row is unlimited).</summary>
internal sealed class PlanDefaults
{
    private static readonly long?[] NoDefaults = new long?[QuotaMetrics.Count];
    private readonly Dictionary<string, long?[]> byPlan = new(StringComparer.Ordinal);

    public PlanDefaults(IEnumerable<PlanQuota> rows)
    {
        foreach (var row in rows)
        {
            if (!QuotaMetrics.IsDefined(row.Metric))
            {
                continue;
            }

            if (!byPlan.TryGetValue(row.PlanId, out var limits))
            {
                byPlan[row.PlanId] = limits = new long?[QuotaMetrics.Count];
            }

            limits[(int)row.Metric] = row.DefaultLimit;
        }
    }

    public long?[] For(string planId) => byPlan.GetValueOrDefault(planId) ?? NoDefaults;

    public bool SameAs(PlanDefaults other) =>
        byPlan.Count == other.byPlan.Count
        && byPlan.All(p => other.byPlan.TryGetValue(p.Key, out var limits) && p.Value.AsSpan().SequenceEqual(limits));
}
