using System.Globalization;
using Tenancy.Admin.Components.Charts;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Features.Usage;

/// <summary>
/// One metric's <see cref="UsageChart"/> as the Usage tab shows it: the series (month to date
/// and per-bucket usage for a monthly metric, the level for a gauge; the effective quota as
/// steps), lines at 80 % and 100 % of the current limit, a marker per quota change, and the
/// sentences above the chart. The CSV download writes the same series (<see cref="CsvHeader"/>,
/// <see cref="CsvRows"/>).
/// </summary>
public sealed class UsageChartView
{
    public const string QuotaSeries = "Quota";
    public const string MonthToDateSeries = "Used this month";
    public const string LevelSeries = "Used";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public UsageChartView(UsageChart chart)
    {
        Chart = chart;
        Info = chart.Metric.Info();
        Times = [.. chart.Points.Select(p => p.At)];
        var quota = QuotaAtEachPoint(chart).Select(l => (double?)l).ToList();
        var quotaSeries = new ChartSeries(QuotaSeries, quota) { Shape = SeriesShape.Steps, Tone = ChartTone.Error, NullText = "unlimited" };
        Series = chart.IsGauge
            ?
            [
                new ChartSeries(LevelSeries, [.. chart.Points.Select(p => (double?)p.Used)]) { Tone = ChartTone.Primary },
                quotaSeries,
            ]
            :
            [
                new ChartSeries(MonthToDateSeries, [.. chart.Points.Select(p => (double?)p.MonthToDate)]) { Tone = ChartTone.Primary },
                quotaSeries,
                new ChartSeries(BucketSeries, [.. chart.Points.Select(p => (double?)p.Used)]) { Shape = SeriesShape.Area, Tone = ChartTone.Neutral, OnSecondAxis = true },
            ];
        Limits = chart.Limit is { } limit and > 0
            ?
            [
                new ChartLimit(limit * 0.8, "80%: " + QuotaFormat.Amount(chart.Metric, limit * 8 / 10)) { Tone = ChartTone.Warning },
                new ChartLimit(limit, "Quota: " + QuotaFormat.Amount(chart.Metric, limit)) { Tone = ChartTone.Error },
            ]
            : [];
        Markers = [.. chart.QuotaChanges.Select(c => new ChartMarker(c.At, $"{c.Actor}: {LimitText(c.Before)} → {LimitText(c.After)}"))];
    }

    public UsageChart Chart { get; }

    public QuotaMetricInfo Info { get; }

    public IReadOnlyList<DateTime> Times { get; }

    public IReadOnlyList<ChartSeries> Series { get; }

    public IReadOnlyList<ChartLimit> Limits { get; }

    public IReadOnlyList<ChartMarker> Markers { get; }

    public ChartUnit Unit => Info.Unit == QuotaUnit.Bytes ? ChartUnit.Bytes : ChartUnit.Count;

    /// <summary>The per-bucket series' name: "Used per hour".</summary>
    public string BucketSeries => "Used " + Per;

    /// <summary>"per hour", "per day", "per 5 minutes": the width of one point.</summary>
    public string Per
    {
        get
        {
            var width = Chart.Points.Count > 1 ? Chart.Points[1].At - Chart.Points[0].At : Chart.Resolution.Step();
            return width == TimeSpan.FromHours(1) ? "per hour"
                : width == TimeSpan.FromDays(1) ? "per day"
                : "per " + Components.TimeText.Duration(width);
        }
    }

    /// <summary>"This month: 1.2 M of 5 M requests / month (24 %)", "Now: 120 GB of 250 GB (48 %)", "Now: 12 seats (unlimited)".</summary>
    public string Headline
    {
        get
        {
            var when = Chart.IsGauge ? "Now" : "This month";
            var used = QuotaFormat.Amount(Chart.Metric, Chart.UsedNow);
            return Chart.Limit is { } limit
                ? $"{when}: {used} of {QuotaFormat.Limit(Chart.Metric, limit)} ({Percent(Chart.UsedNow, limit)})"
                : $"{when}: {used} (unlimited)";
        }
    }

    /// <summary>
    /// "At this rate the API requests per month quota runs out on 14 Dec" (the day in UTC), "Over
    /// quota", "Quota used up"; null when the metric is unlimited or usage is not heading for the limit.
    /// </summary>
    public string? Projection
    {
        get
        {
            if (Chart.Limit is not { } limit)
            {
                return null;
            }

            if (Chart.UsedNow > limit)
            {
                return "Over quota";
            }

            if (Chart.UsedNow == limit)
            {
                return "Quota used up";
            }

            return Chart.ProjectedExhaustion is { } day
                ? $"At this rate the {InSentence(Info.Label)} quota runs out on {DayText(day, Chart.AsOf)}"
                : null;
        }
    }

    /// <summary>The projection is about a limit already reached or passed.</summary>
    public bool IsAtOrOverLimit => Chart.Limit is { } limit && Chart.UsedNow >= limit;

    public IReadOnlyList<string> CsvHeader => Chart.IsGauge
        ? ["time_utc", "used", "quota"]
        : ["time_utc", "used_" + Per.Replace(' ', '_'), "used_this_month", "quota"];

    /// <summary>One row per point, numbers in full (bytes as bytes); a quota without limit is "unlimited", a time before any measurement has no value.</summary>
    public IEnumerable<string?[]> CsvRows()
    {
        var quota = QuotaAtEachPoint(Chart);
        for (var i = 0; i < Chart.Points.Count; i++)
        {
            var point = Chart.Points[i];
            var time = point.At.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Invariant);
            var limit = quota[i]?.ToString(Invariant) ?? "unlimited";
            yield return Chart.IsGauge
                ? [time, point.Used?.ToString(Invariant), limit]
                : [time, point.Used?.ToString(Invariant), point.MonthToDate?.ToString(Invariant), limit];
        }
    }

    /// <summary>The limit in effect at the end of each point (a change within a point shows from that point on).</summary>
    private static List<long?> QuotaAtEachPoint(UsageChart chart)
    {
        var result = new List<long?>(chart.Points.Count);
        var step = 0;
        for (var i = 0; i < chart.Points.Count; i++)
        {
            var end = i + 1 < chart.Points.Count ? chart.Points[i + 1].At : chart.Points[i].At + chart.Resolution.Step();
            while (step + 1 < chart.QuotaSteps.Count && chart.QuotaSteps[step + 1].From < end)
            {
                step++;
            }

            result.Add(chart.QuotaSteps.Count == 0 ? chart.Limit : chart.QuotaSteps[step].Limit);
        }

        return result;
    }

    private string LimitText(long? value) => value is { } v ? QuotaFormat.Amount(Chart.Metric, v) : "unlimited";

    /// <summary>As the Quotas tab writes a share of a limit: "24%", "102.5%".</summary>
    public static string Percent(long used, long limit) =>
        (limit == 0 ? (used == 0 ? 0 : 100) : used * 100d / limit).ToString("0.#", Invariant) + "%";

    /// <summary>A label inside a sentence: "Storage" → "storage", "API requests per month" stays.</summary>
    public static string InSentence(string label) =>
        label.Length > 1 && char.IsUpper(label[1]) ? label : char.ToLowerInvariant(label[0]) + label[1..];

    /// <summary>"14 Dec", with the year when it is not the current one: "3 Jan 2027".</summary>
    private static string DayText(DateTime day, DateTime now) =>
        day.ToString(day.Year == now.Year ? "d MMM" : "d MMM yyyy", Invariant);
}
