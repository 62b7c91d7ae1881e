using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Benchmarks;

/// <summary>
/// "May this tenant make one more API request this month?" answered two ways: by the
/// enforcer's warm in-process cache, and by asking the database for the tenant's status,
/// effective limit (override or plan default) and this month's counter in one query. Both go
/// round 1,024 tenants. Run in-process by <see cref="QuotaBenchmark"/>, which sets <see cref="Services"/>.
/// </summary>
[MemoryDiagnoser]
public class QuotaCheckBenchmark
{
    public const int TenantCount = 1_024;

    /// <summary>The benchmark database (set by the runner; the benchmark runs in its process).</summary>
    internal static IServiceProvider? Services { get; set; }

    private static readonly Func<TenancyDbContext, Guid, QuotaMetric, string, Task<LimitRow?>> LookupQuery =
        EF.CompileAsyncQuery((TenancyDbContext db, Guid tenantId, QuotaMetric metric, string period) =>
            db.Tenants
                .Where(t => t.Id == tenantId)
                .Select(t => new LimitRow(
                    t.Status,
                    db.PlanQuotas.Where(q => q.PlanId == t.PlanId && q.Metric == metric).Select(q => q.DefaultLimit).FirstOrDefault(),
                    db.TenantQuotaSets.Where(s => s.TenantId == tenantId).SelectMany(s => s.Overrides).Any(o => o.Metric == metric),
                    db.TenantQuotaSets.Where(s => s.TenantId == tenantId).SelectMany(s => s.Overrides).Where(o => o.Metric == metric).Select(o => o.Value).FirstOrDefault(),
                    db.UsageCounters.Where(c => c.TenantId == tenantId && c.Metric == metric && c.Period == period).Select(c => c.Used).FirstOrDefault()))
                .FirstOrDefault());

    private Guid[] tenants = [];
    private QuotaEnforcer enforcer = null!;
    private IDbContextFactory<TenancyDbContext> contexts = null!;
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        var services = Services ?? throw new InvalidOperationException("Run through `Tenancy.Benchmarks quota`.");
        contexts = services.GetRequiredService<IDbContextFactory<TenancyDbContext>>();
        using (var db = contexts.CreateDbContext())
        {
            tenants = [.. db.Tenants.AsNoTracking().Where(t => t.Status != TenantStatus.Deleted).OrderBy(t => t.Id).Select(t => t.Id).Take(TenantCount)];
        }

        if (tenants.Length != TenantCount)
        {
            throw new InvalidOperationException($"The benchmark database needs {TenantCount} tenants; it has {tenants.Length}.");
        }

        enforcer = new QuotaEnforcer(contexts, new UsageMeter(contexts, TimeProvider.System), TimeProvider.System);
        foreach (var tenant in tenants)
        {
            enforcer.Check(tenant, QuotaMetric.ApiRequestsPerMonth); // warm the cache
        }
    }

    [Benchmark(Baseline = true, Description = "cached")]
    public bool Cached()
    {
        var tenant = tenants[next++ & (TenantCount - 1)];
        return enforcer.Check(tenant, QuotaMetric.ApiRequestsPerMonth).Allowed;
    }

    [Benchmark(Description = "uncached")]
    public async Task<bool> Uncached()
    {
        var tenant = tenants[next++ & (TenantCount - 1)];
        await using var db = await contexts.CreateDbContextAsync();
        var row = await LookupQuery(db, tenant, QuotaMetric.ApiRequestsPerMonth, QuotaMetrics.PeriodOf(DateTime.UtcNow));
        if (row is null || row.Status is TenantStatus.Suspended or TenantStatus.Deleted)
        {
            return false;
        }

        var limit = row.HasOverride ? row.OverrideValue : row.PlanLimit;
        return limit is not { } l || row.Used + 1 <= l;
    }

    private sealed record LimitRow(TenantStatus Status, long? PlanLimit, bool HasOverride, long? OverrideValue, long Used);
}
