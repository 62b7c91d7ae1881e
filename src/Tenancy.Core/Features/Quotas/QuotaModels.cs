using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

public enum QuotaOverrideKind
{
    /// <summary>No override: the plan's default applies.</summary>
    Inherit,

    /// <summary>A limit of its own for this tenant.</summary>
    Limit,

    /// <summary>No limit for this tenant.</summary>
    Unlimited,
}

/// <summary>
/// A tenant's override for one metric, as stored and as staff set it: inherit the plan, a
/// limit, or unlimited. <c>default</c> is <see cref="Inherit"/>.
/// </summary>
public readonly record struct QuotaOverride(QuotaOverrideKind Kind, long Limit)
{
    public static QuotaOverride Inherit => default;

    public static QuotaOverride Unlimited => new(QuotaOverrideKind.Unlimited, 0);

    public static QuotaOverride To(long limit) => new(QuotaOverrideKind.Limit, limit);

    /// <summary>The same override with no stray <see cref="Limit"/> unless it is a limit (so equal overrides compare equal).</summary>
    public QuotaOverride Normalized => Kind == QuotaOverrideKind.Limit ? this : new(Kind, 0);

    internal static QuotaOverride FromStored(TenantQuotaOverride? row) =>
        row is null ? Inherit : row.Value is { } value ? To(value) : Unlimited;

    public override string ToString() => Kind switch
    {
        QuotaOverrideKind.Limit => Limit.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        QuotaOverrideKind.Unlimited => "unlimited",
        _ => "inherit",
    };
}

/// <summary>Where an effective limit comes from.</summary>
public enum QuotaSource
{
    Plan,
    Override,
}

/// <summary>One metric of a tenant as the quota editor shows it.</summary>
/// <param name="PlanLimit">The plan's default; null is unlimited.</param>
/// <param name="EffectiveLimit">The limit in force; null is unlimited.</param>
/// <param name="Usage">Current usage; null for rates (nothing stored to show).</param>
/// <param name="PercentUsed">Usage as a percentage of the effective limit; null when unlimited or not measured.</param>
public sealed record QuotaLine(
    QuotaMetric Metric,
    long? PlanLimit,
    QuotaOverride Override,
    long? EffectiveLimit,
    QuotaSource Source,
    long? Usage,
    double? PercentUsed)
{
    public QuotaMetricInfo Info => Metric.Info();

    public bool IsUnlimited => EffectiveLimit is null;

    /// <summary>Usage is above the limit (existing data is kept; new usage is blocked).</summary>
    public bool OverLimit => Usage is { } usage && EffectiveLimit is { } limit && usage > limit;
}

/// <summary>A tenant's quotas: per metric plan default, override, effective limit and usage, and the version to save against.</summary>
/// <param name="Version">The tenant's quota version: pass it back to <see cref="QuotaService.UpdateAsync"/>.</param>
/// <param name="Period">The current usage month, <c>yyyy-MM</c> (UTC).</param>
public sealed record TenantQuotas(
    Guid TenantId,
    string PlanId,
    string PlanName,
    TenantStatus Status,
    int Version,
    string Period,
    IReadOnlyList<QuotaLine> Lines)
{
    public QuotaLine this[QuotaMetric metric] => Lines[(int)metric];
}

/// <summary>How one metric's effective limit changes (an edit or a plan change).</summary>
public sealed record QuotaLimitChange(
    QuotaMetric Metric,
    long? Before,
    QuotaSource BeforeSource,
    long? After,
    QuotaSource AfterSource,
    long? Usage)
{
    /// <summary>The new limit is below current usage: new usage will be blocked, existing data is kept.</summary>
    public bool BelowUsage => After is { } after && Usage is { } usage && usage > after;
}

/// <summary>What a save did.</summary>
/// <param name="Changes">The metrics whose override changed, with their effective limits before and after.</param>
/// <param name="BelowUsage">Those of <paramref name="Changes"/> that now sit below current usage (confirmed by the caller).</param>
public sealed record QuotaUpdateResult(
    TenantQuotas Quotas,
    IReadOnlyList<QuotaLimitChange> Changes,
    IReadOnlyList<QuotaLimitChange> BelowUsage);

/// <summary>Which effective limits a plan change would change.</summary>
public sealed record PlanChangePreview(
    Guid TenantId,
    string FromPlanId,
    string ToPlanId,
    int Version,
    IReadOnlyList<QuotaLimitChange> Changes)
{
    public IReadOnlyList<QuotaLimitChange> BelowUsage => [.. Changes.Where(c => c.BelowUsage)];
}

/// <summary>Effective limits: one rule, used by the editor and the enforcer.</summary>
public static class QuotaResolution
{
    public static (long? Limit, QuotaSource Source) Effective(long? planLimit, QuotaOverride @override) => @override.Kind switch
    {
        QuotaOverrideKind.Limit => (@override.Limit, QuotaSource.Override),
        QuotaOverrideKind.Unlimited => (null, QuotaSource.Override),
        _ => (planLimit, QuotaSource.Plan),
    };

    public static double? PercentUsed(long? usage, long? limit) => (usage, limit) switch
    {
        (null, _) or (_, null) => null,
        ({ } u, 0) => u == 0 ? 0 : 100,
        ({ } u, { } l) => 100.0 * u / l,
    };
}
