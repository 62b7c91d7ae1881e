namespace Tenancy.Core.Features.Usage;

/// <summary>
/// What the usage meter counts and a quota limits. Stored as its name (a bounded string); the
/// values index the arrays of <see cref="QuotaMetrics"/>, the meter and the enforcer, so keep them
/// dense from 0. The catalog lives with usage (which counts) so that quotas (which limit) build on
/// it. To add a metric: add it here, describe it in <see cref="QuotaMetrics.All"/>, give every plan
/// a default in <c>Quotas.PlanQuotaDefaults</c> and add a migration (scripts/add-migration.sh).
/// </summary>
public enum QuotaMetric
{
    /// <summary>Members of the tenant organisation.</summary>
    Seats,

    Projects,

    /// <summary>Sum of the sizes of the tenant's project items.</summary>
    StorageBytes,

    /// <summary>API requests per calendar month (UTC).</summary>
    ApiRequestsPerMonth,

    /// <summary>API requests per second (a rate, enforced per application instance).</summary>
    ApiRequestsPerSecond,

    /// <summary>Outbound transfer per calendar month (UTC).</summary>
    TransferBytesPerMonth,
}

public enum QuotaUnit
{
    /// <summary>A number of things (seats, projects, requests).</summary>
    Count,

    Bytes,
}

/// <summary>Where a metric's usage comes from, which also says over what period it counts.</summary>
public enum QuotaKind
{
    /// <summary>Counted from the tenant's data now (rows, sizes): no period.</summary>
    TenantData,

    /// <summary>A usage counter per calendar month (UTC), reset at the month boundary.</summary>
    MonthlyCounter,

    /// <summary>A rate per second, counted in memory in one-second windows.</summary>
    Rate,
}

/// <summary>Everything the code and the editor need to know about a metric.</summary>
/// <param name="MaxLimit">The largest override staff may set (a sanity bound, not a plan limit).</param>
/// <param name="Label">Human name, e.g. "API requests per month".</param>
/// <param name="UnitLabel">The noun of the unit for messages, e.g. "requests / month".</param>
public sealed record QuotaMetricInfo(
    QuotaMetric Metric,
    string Label,
    QuotaUnit Unit,
    QuotaKind Kind,
    long MaxLimit,
    string UnitLabel)
{
    /// <summary>The period usage counts over, for units such as "per month".</summary>
    public string? Period => Kind switch
    {
        QuotaKind.MonthlyCounter => "month",
        QuotaKind.Rate => "second",
        _ => null,
    };
}

/// <summary>The one table of quota metrics.</summary>
public static class QuotaMetrics
{
    public const long KB = 1_000;
    public const long MB = 1_000 * KB;
    public const long GB = 1_000 * MB;
    public const long TB = 1_000 * GB;
    public const long PB = 1_000 * TB;

    /// <summary>Number of metrics; arrays indexed by <see cref="QuotaMetric"/> have this length.</summary>
    public const int Count = 6;

    /// <summary>Every metric, in enum order (index = <c>(int)metric</c>).</summary>
    public static IReadOnlyList<QuotaMetricInfo> All { get; } =
    [
        new(QuotaMetric.Seats, "Seats", QuotaUnit.Count, QuotaKind.TenantData, 1_000_000, "seats"),
        new(QuotaMetric.Projects, "Projects", QuotaUnit.Count, QuotaKind.TenantData, 10_000_000, "projects"),
        new(QuotaMetric.StorageBytes, "Storage", QuotaUnit.Bytes, QuotaKind.TenantData, 1 * PB, "bytes"),
        new(QuotaMetric.ApiRequestsPerMonth, "API requests per month", QuotaUnit.Count, QuotaKind.MonthlyCounter, 1_000_000_000_000, "requests / month"),
        new(QuotaMetric.ApiRequestsPerSecond, "API requests per second", QuotaUnit.Count, QuotaKind.Rate, 1_000_000, "requests / second"),
        new(QuotaMetric.TransferBytesPerMonth, "Outbound transfer per month", QuotaUnit.Bytes, QuotaKind.MonthlyCounter, 10 * PB, "bytes / month"),
    ];

    /// <summary>The kind of each metric, indexed by metric, for the enforcer's hot path.</summary>
    internal static readonly QuotaKind[] Kinds = [.. All.Select(m => m.Kind)];

    /// <summary>The metrics counted per month, in enum order.</summary>
    public static IReadOnlyList<QuotaMetric> Monthly { get; } = [.. All.Where(m => m.Kind == QuotaKind.MonthlyCounter).Select(m => m.Metric)];

    /// <summary>The metrics counted from tenant data (gauges: a level, not a sum), in enum order.</summary>
    public static IReadOnlyList<QuotaMetric> Gauges { get; } = [.. All.Where(m => m.Kind == QuotaKind.TenantData).Select(m => m.Metric)];

    public static QuotaMetricInfo Info(this QuotaMetric metric) =>
        IsDefined(metric) ? All[(int)metric] : throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown quota metric.");

    public static bool IsDefined(QuotaMetric metric) => (uint)metric < Count;

    /// <summary>The usage counter period that contains <paramref name="utc"/>: its calendar month, <c>yyyy-MM</c>.</summary>
    public static string PeriodOf(DateTime utc) =>
        string.Create(7, utc, static (span, t) =>
        {
            t.Year.TryFormat(span[..4], out _, "D4", System.Globalization.CultureInfo.InvariantCulture);
            span[4] = '-';
            t.Month.TryFormat(span[5..], out _, "D2", System.Globalization.CultureInfo.InvariantCulture);
        });

    /// <summary>Start (inclusive) and end (exclusive) of the calendar month (UTC) that contains <paramref name="utc"/>.</summary>
    public static (DateTime Start, DateTime End) MonthOf(DateTime utc)
    {
        var start = new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        return (start, start.AddMonths(1));
    }
}

/// <summary>The width of the metric name columns.</summary>
internal static class QuotaMetricColumn
{
    public const int MaxLength = 32;
}
