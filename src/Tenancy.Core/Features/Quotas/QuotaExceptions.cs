using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>One problem with a quota edit; <see cref="Metric"/> is null for the reason or the plan.</summary>
public sealed record QuotaValidationError(QuotaMetric? Metric, string Message);

/// <summary>A quota edit or plan change was not valid; nothing was written.</summary>
public sealed class QuotaValidationException(IReadOnlyList<QuotaValidationError> errors)
    : ArgumentException(string.Join(" ", errors.Select(e => e.Message)))
{
    public IReadOnlyList<QuotaValidationError> Errors { get; } = errors;
}

/// <summary>
/// Someone else changed the tenant's quotas (or plan) since the caller loaded them; nothing was
/// written. <see cref="Current"/> holds the values now in force, to show the member of staff.
/// </summary>
public sealed class QuotaConflictException(TenantQuotas current, int expectedVersion)
    : InvalidOperationException(
        $"Someone else changed this tenant's quotas while you were editing (your version {expectedVersion}, now {current.Version}). " +
        "Nothing was saved. Review the current values and make your change again.")
{
    public TenantQuotas Current { get; } = current;

    public int ExpectedVersion { get; } = expectedVersion;
}

/// <summary>
/// A new limit is below the tenant's current usage and the caller did not confirm it; nothing
/// was written. Saving again with confirmation blocks new usage and keeps existing data.
/// </summary>
public sealed class QuotaBelowUsageException(IReadOnlyList<QuotaLimitChange> belowUsage)
    : InvalidOperationException(Describe(belowUsage))
{
    public IReadOnlyList<QuotaLimitChange> BelowUsage { get; } = belowUsage;

    public static string Describe(IReadOnlyList<QuotaLimitChange> belowUsage) =>
        string.Join(" ", belowUsage.Select(c =>
            $"{c.Metric.Info().Label}: the new limit {QuotaFormat.Limit(c.Metric, c.After)} is below current usage {QuotaFormat.Limit(c.Metric, c.Usage)}."))
        + " New usage will be blocked, existing data is kept. Confirm to save.";
}
