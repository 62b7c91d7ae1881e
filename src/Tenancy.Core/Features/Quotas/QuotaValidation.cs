using System.Globalization;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>The checks on a quota edit, shared by the service and the editor dialog (same messages).</summary>
public static class QuotaValidation
{
    /// <summary>Null when <paramref name="override"/> is acceptable for <paramref name="metric"/>.</summary>
    public static string? Validate(QuotaMetric metric, QuotaOverride @override)
    {
        if (!QuotaMetrics.IsDefined(metric))
        {
            return $"Unknown quota metric {(int)metric}.";
        }

        var info = metric.Info();
        if (!Enum.IsDefined(@override.Kind))
        {
            return $"{info.Label}: unknown kind of override.";
        }

        if (@override.Kind != QuotaOverrideKind.Limit)
        {
            return null;
        }

        if (@override.Limit < 0)
        {
            return $"{info.Label}: the limit must be a whole number of {info.UnitLabel} from 0 to {Bound(info)}, not a negative number.";
        }

        return @override.Limit > info.MaxLimit
            ? $"{info.Label}: the limit can be at most {Bound(info)}; use unlimited for no limit."
            : null;
    }

    /// <summary>Every problem with an edit: each metric's value, and the reason.</summary>
    public static IReadOnlyList<QuotaValidationError> Validate(IReadOnlyDictionary<QuotaMetric, QuotaOverride> changes, string? reason)
    {
        var errors = new List<QuotaValidationError>();
        foreach (var (metric, change) in changes.OrderBy(c => c.Key))
        {
            if (Validate(metric, change) is { } message)
            {
                errors.Add(new(QuotaMetrics.IsDefined(metric) ? metric : null, message));
            }
        }

        if (changes.Count == 0)
        {
            errors.Add(new(null, "Change at least one quota."));
        }

        if (AuditLog.ValidateReason(reason) is { } reasonError)
        {
            errors.Add(new(null, reasonError));
        }

        return errors;
    }

    private static string Bound(QuotaMetricInfo info) =>
        info.Unit == QuotaUnit.Bytes
            ? string.Create(CultureInfo.InvariantCulture, $"{info.MaxLimit:N0} bytes ({QuotaFormat.Limit(info.Metric, info.MaxLimit)})")
            : QuotaFormat.Limit(info.Metric, info.MaxLimit)
                + (info.MaxLimit >= 1_000_000 ? string.Create(CultureInfo.InvariantCulture, $" ({info.MaxLimit:N0})") : "");
}
