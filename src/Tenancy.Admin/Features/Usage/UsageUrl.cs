using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Tenancy.Admin.Components;
using Tenancy.Admin.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Features.Usage;

/// <summary>
/// The Usage tab's state in its address: <c>/tenants/{id}/usage?range=7d&amp;metric=storage</c>.
/// <c>range</c> is a <see cref="UsageRanges.Token"/> (default <see cref="DefaultRange"/>, left out
/// of links); <c>metric</c> names the chart to show first (a link from the fleet page). Parsing
/// never throws: what it does not understand falls back to the default and is reported.
/// </summary>
public static class UsageUrl
{
    public const string TabSlug = "usage";

    public const UsageRange DefaultRange = UsageRange.Month;

    /// <summary>The metrics with a usage chart, in the catalog's order: every one but the per-second rate.</summary>
    public static IReadOnlyList<QuotaMetric> ChartedMetrics { get; } =
        [.. QuotaMetrics.All.Where(m => m.Kind != QuotaKind.Rate).Select(m => m.Metric)];

    private static readonly HashSet<string> KnownKeys = ["range", "metric"];

    public sealed record Parsed(UsageRange Range, QuotaMetric? Metric, IReadOnlyList<string> Notices)
    {
        /// <summary>The link held a value that was replaced by a default: its address should be corrected.</summary>
        public bool NeedsCorrection => Notices.Count > 0;
    }

    /// <summary>The metric's token in a link: <c>api-requests-per-month</c>, <c>storage</c>.</summary>
    public static string Token(QuotaMetric metric) => metric switch
    {
        QuotaMetric.StorageBytes => "storage",
        QuotaMetric.TransferBytesPerMonth => "transfer-per-month",
        _ => string.Concat(metric.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())),
    };

    /// <summary>The Usage tab of a tenant, on a range and with a metric first (defaults left out).</summary>
    public static string For(Guid tenantId, UsageRange range = DefaultRange, QuotaMetric? metric = null)
    {
        var parameters = new List<KeyValuePair<string, string?>>();
        if (range != DefaultRange)
        {
            parameters.Add(new("range", range.Token()));
        }

        if (metric is { } m)
        {
            parameters.Add(new("metric", Token(m)));
        }

        return QueryHelpers.AddQueryString($"{TenantTabs.OverviewUrl(tenantId)}/{TabSlug}", parameters);
    }

    public static Parsed Parse(string uri)
    {
        var values = QueryHelpers.ParseQuery(new Uri(uri, UriKind.Absolute).Query);
        var notices = new List<string>();
        var range = DefaultRange;
        if (Single(values, "range") is { } token)
        {
            if (UsageRanges.Parse(token) is { } parsed)
            {
                range = parsed;
            }
            else
            {
                notices.Add($"Unknown period '{LinkParameters.Shorten(token)}'; showing the last 30 days.");
            }
        }

        QuotaMetric? metric = null;
        if (Single(values, "metric") is { } name)
        {
            metric = ChartedMetrics.Cast<QuotaMetric?>().FirstOrDefault(m => Token(m!.Value) == name);
            if (metric is null)
            {
                notices.Add($"Unknown metric '{LinkParameters.Shorten(name)}' was ignored.");
            }
        }

        LinkParameters.AddNotices(values, KnownKeys, notices);
        return new Parsed(range, metric, notices);
    }

    /// <summary>Words for a range on its button and in sentences: "30 days".</summary>
    public static string Label(UsageRange range) => range switch
    {
        UsageRange.Day => "24 hours",
        UsageRange.Week => "7 days",
        UsageRange.Month => "30 days",
        UsageRange.Quarter => "90 days",
        _ => "13 months",
    };

    private static string? Single(Dictionary<string, StringValues> values, string key) =>
        values.TryGetValue(key, out var value) && value.Count > 0 ? value[0] : null;
}
