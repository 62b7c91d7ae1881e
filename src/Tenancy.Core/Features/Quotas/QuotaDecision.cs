using System.Runtime.InteropServices;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>Why the enforcer said no.</summary>
public enum QuotaDenial : byte
{
    /// <summary>Not denied.</summary>
    None,

    /// <summary>The amount would take usage above the limit.</summary>
    OverQuota,

    /// <summary>The per-second rate limit is used up for this second.</summary>
    RateLimited,

    /// <summary>The tenant is suspended (billing or manual).</summary>
    TenantSuspended,

    /// <summary>
    /// The tenant is being restored to an earlier point in time and takes no writes. Reserved
    /// for the restore feature (issue 6): nothing sets it yet.
    /// </summary>
    TenantRestoring,

    /// <summary>No such tenant, or it was deleted.</summary>
    TenantNotFound,
}

/// <summary>
/// The enforcer's answer: allowed, or denied with a reason. A small value type so the cached
/// path allocates nothing; <see cref="Message"/> builds its text only when read.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct QuotaDecision
{
    private readonly long limit;
    private readonly string? detail;

    internal QuotaDecision(QuotaDenial reason, QuotaMetric metric, long limit, long used, long requested, string? detail = null, bool pastDue = false)
    {
        this.detail = detail;
        PastDue = pastDue;
        Reason = reason;
        Metric = metric;
        this.limit = limit;
        Used = used;
        Requested = requested;
    }

    public bool Allowed => Reason == QuotaDenial.None;

    /// <summary>
    /// The tenant's payment is past due (within its grace period: past the grace it is suspended).
    /// The request is still decided on its merits; the product may warn the tenant's users.
    /// </summary>
    public bool PastDue { get; }

    public QuotaDenial Reason { get; }

    public QuotaMetric Metric { get; }

    /// <summary>The limit in force; null is unlimited.</summary>
    public long? Limit => limit == QuotaEnforcer.Unlimited ? null : limit;

    /// <summary>
    /// Usage before this request: this month's counter, this second's requests, or the count
    /// from the tenant's data. 0 when it was not needed (unlimited, tenant denied).
    /// </summary>
    public long Used { get; }

    public long Requested { get; }

    /// <summary>What to tell the caller, in words.</summary>
    public string Message => Reason switch
    {
        QuotaDenial.None => PastDue ? "Allowed; the tenant's payment is past due." : "Allowed.",
        QuotaDenial.OverQuota =>
            $"{Metric.Info().Label} quota reached: {QuotaFormat.Amount(Metric, Used)} of {QuotaFormat.Limit(Metric, Limit)} used; {QuotaFormat.Amount(Metric, Requested)} more requested.",
        QuotaDenial.RateLimited => $"Rate limit of {QuotaFormat.Limit(Metric, Limit)} reached; retry in a second.",
        QuotaDenial.TenantSuspended => detail ?? "The tenant is suspended.",
        QuotaDenial.TenantRestoring => "The tenant is being restored to an earlier point in time; try again when the restore has finished.",
        QuotaDenial.TenantNotFound => "No such tenant, or it was deleted.",
        _ => Reason.ToString(),
    };

    internal QuotaDecision Flagged(bool pastDue) =>
        pastDue ? new QuotaDecision(Reason, Metric, limit, Used, Requested, detail, pastDue: true) : this;

    public override string ToString() => Allowed ? $"Allowed {Metric} +{Requested}" : $"Denied {Metric}: {Reason}";
}
