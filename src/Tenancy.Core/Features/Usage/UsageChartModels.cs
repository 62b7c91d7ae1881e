namespace Tenancy.Core.Features.Usage;

/// <summary>The time ranges a usage chart shows, with the token each has in the address.</summary>
public enum UsageRange
{
    /// <summary>The last 24 hours in 5-minute steps (<c>24h</c>).</summary>
    Day,

    /// <summary>The last 7 days in hours (<c>7d</c>).</summary>
    Week,

    /// <summary>The last 30 days in hours (<c>30d</c>).</summary>
    Month,

    /// <summary>The last 90 days in days (<c>90d</c>).</summary>
    Quarter,

    /// <summary>The last 13 months in days (<c>13mo</c>).</summary>
    Year,
}

/// <summary>The width of one point of a usage chart.</summary>
public enum UsageResolution
{
    FiveMinutes,
    Hour,
    Day,
}

public static class UsageRanges
{
    public static IReadOnlyList<UsageRange> All { get; } = [UsageRange.Day, UsageRange.Week, UsageRange.Month, UsageRange.Quarter, UsageRange.Year];

    /// <summary>The token of the range in the address: <c>24h</c>, <c>7d</c>, <c>30d</c>, <c>90d</c>, <c>13mo</c>.</summary>
    public static string Token(this UsageRange range) => range switch
    {
        UsageRange.Day => "24h",
        UsageRange.Week => "7d",
        UsageRange.Month => "30d",
        UsageRange.Quarter => "90d",
        UsageRange.Year => "13mo",
        _ => throw new ArgumentOutOfRangeException(nameof(range), range, null),
    };

    /// <summary>The range of a token, or null for anything else.</summary>
    public static UsageRange? Parse(string? token) => token switch
    {
        "24h" => UsageRange.Day,
        "7d" => UsageRange.Week,
        "30d" => UsageRange.Month,
        "90d" => UsageRange.Quarter,
        "13mo" => UsageRange.Year,
        _ => null,
    };

    public static UsageResolution Resolution(this UsageRange range) => range switch
    {
        UsageRange.Day => UsageResolution.FiveMinutes,
        UsageRange.Week or UsageRange.Month => UsageResolution.Hour,
        _ => UsageResolution.Day,
    };

    public static TimeSpan Step(this UsageResolution resolution) => resolution switch
    {
        UsageResolution.FiveMinutes => TimeSpan.FromMinutes(5),
        UsageResolution.Hour => TimeSpan.FromHours(1),
        _ => TimeSpan.FromDays(1),
    };

    /// <summary>
    /// The first and last point of the range ending now: aligned to the resolution, the last point
    /// the one that contains <paramref name="nowUtc"/>.
    /// </summary>
    public static (DateTime From, DateTime Last) Window(this UsageRange range, DateTime nowUtc)
    {
        var step = range.Resolution().Step();
        var last = new DateTime(nowUtc.Ticks - nowUtc.Ticks % step.Ticks, DateTimeKind.Utc);
        var length = range switch
        {
            UsageRange.Day => TimeSpan.FromHours(24),
            UsageRange.Week => TimeSpan.FromDays(7),
            UsageRange.Month => TimeSpan.FromDays(30),
            UsageRange.Quarter => TimeSpan.FromDays(90),
            _ => TimeSpan.FromDays(396),
        };
        return (last - length + step, last);
    }
}

/// <summary>One point of a usage chart: the bucket starting at <see cref="At"/> (UTC).</summary>
/// <param name="Used">
/// Counted metrics: what was used in the bucket. Gauges: the level at the bucket's last snapshot,
/// carried forward from the last one before it; null before the first snapshot.
/// </param>
/// <param name="MonthToDate">Counted monthly metrics: used in the calendar month (UTC) up to the end of the bucket, the number the monthly quota limits. Gauges: the level again.</param>
public sealed record UsagePoint(DateTime At, long? Used, long? MonthToDate);

/// <summary>The effective limit from <see cref="From"/> on (null: unlimited).</summary>
public sealed record QuotaStep(DateTime From, long? Limit);

/// <summary>A change of the tenant's limit for the metric in the chart's range, from the audit log.</summary>
public sealed record QuotaChangeMarker(DateTime At, string Actor, string Action, long? Before, long? After, string? Reason);

/// <summary>Usage of one metric by one tenant over a range, with its quota over the same range.</summary>
/// <param name="Points">Oldest first, one per bucket of the range (at most about 2,000: downsampled beyond).</param>
/// <param name="QuotaSteps">The limit over the range, oldest first, the first one from the range's start.</param>
/// <param name="UsedNow">Used this month (counted metrics) or now (gauges).</param>
/// <param name="Limit">The effective limit now; null when unlimited.</param>
/// <param name="ProjectedExhaustion">When usage reaches the limit at the recent rate; null when it will not (this month, for counted metrics) or is already over.</param>
public sealed record UsageChart(
    Guid TenantId,
    QuotaMetric Metric,
    UsageRange Range,
    UsageResolution Resolution,
    IReadOnlyList<UsagePoint> Points,
    IReadOnlyList<QuotaStep> QuotaSteps,
    IReadOnlyList<QuotaChangeMarker> QuotaChanges,
    long UsedNow,
    long? Limit,
    DateTime? ProjectedExhaustion,
    DateTime AsOf)
{
    public bool IsGauge => Metric.Info().Kind == QuotaKind.TenantData;

    /// <summary>True when nothing was recorded in the range.</summary>
    public bool IsEmpty => Points.All(p => p.Used is null or 0) && UsedNow == 0;
}

/// <summary>A tenant close to or over a limit, for the fleet page.</summary>
public sealed record TenantPressureRow(
    Guid TenantId, string Name, string Slug, QuotaMetric Metric, long Used, long Limit, double Ratio, DateTime? ProjectedAt, DateTime UpdatedAt);

/// <summary>What happened in the fleet on one day (UTC).</summary>
public sealed record FleetDay(DateTime Day, int NewTenants, int Suspensions, int Reactivations, int BillingFailures);
