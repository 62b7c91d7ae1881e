using Tenancy.Admin.Features.Usage;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Tests.Features.Usage;

/// <summary>What the Usage tab says and draws for one chart, from the chart Core reads.</summary>
public sealed class UsageChartViewShould
{
    private static readonly DateTime Now = new(2026, 11, 25, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void SayOnWhichDayTheQuotaRunsOutAtThisRate()
    {
        var view = new UsageChartView(Chart(QuotaMetric.ApiRequestsPerMonth, used: 4_000_000, limit: 5_000_000, projected: new DateTime(2026, 12, 14, 17, 30, 0, DateTimeKind.Utc)));

        Assert.Equal("At this rate the API requests per month quota runs out on 14 Dec", view.Projection);
        Assert.False(view.IsAtOrOverLimit);
        Assert.Equal("This month: 4 M of 5 M requests / month (80%)", view.Headline);
    }

    [Fact]
    public void WriteTheMetricInTheSentenceAndTheYearWhenItIsNotThisOne()
    {
        var view = new UsageChartView(Chart(QuotaMetric.StorageBytes, used: 120 * QuotaMetrics.GB, limit: 250 * QuotaMetrics.GB, projected: new DateTime(2027, 1, 3, 0, 0, 0, DateTimeKind.Utc)));

        Assert.Equal("At this rate the storage quota runs out on 3 Jan 2027", view.Projection);
        Assert.Equal("Now: 120 GB of 250 GB (48%)", view.Headline);
    }

    [Fact]
    public void SayOverQuotaWhenUsageIsAboveTheLimit()
    {
        var view = new UsageChartView(Chart(QuotaMetric.ApiRequestsPerMonth, used: 5_200_000, limit: 5_000_000, projected: null));

        Assert.Equal("Over quota", view.Projection);
        Assert.True(view.IsAtOrOverLimit);
    }

    [Fact]
    public void SayNothingWhenUnlimitedOrNotHeadingForTheLimit()
    {
        Assert.Null(new UsageChartView(Chart(QuotaMetric.Seats, used: 12, limit: null, projected: null)).Projection);
        Assert.Null(new UsageChartView(Chart(QuotaMetric.Seats, used: 12, limit: 50, projected: null)).Projection);
        Assert.Equal("Now: 12 (unlimited)", new UsageChartView(Chart(QuotaMetric.Seats, used: 12, limit: null, projected: null)).Headline);
        Assert.Empty(new UsageChartView(Chart(QuotaMetric.Seats, used: 12, limit: null, projected: null)).Limits);
    }

    [Fact]
    public void StepTheQuotaFromThePointItChangedInAndWriteTheSameSeriesAsCsv()
    {
        var from = Now.Date.AddDays(-2);
        var points = Enumerable.Range(0, 3).Select(d => new UsagePoint(from.AddDays(d), 10 * (d + 1), 100 + 10 * (d + 1))).ToList();
        var change = from.AddDays(1).AddHours(15); // during the second day
        var chart = new UsageChart(
            Guid.NewGuid(), QuotaMetric.ApiRequestsPerMonth, UsageRange.Quarter, UsageResolution.Day, points,
            [new QuotaStep(from, 1_000), new QuotaStep(change, null)],
            [new QuotaChangeMarker(change, "Ada Admin", "quota.changed", 1_000, null, "Enterprise trial")],
            130, null, null, Now);

        var view = new UsageChartView(chart);

        Assert.Equal([1_000, null, null], view.Series.Single(s => s.Name == UsageChartView.QuotaSeries).Values);
        Assert.Equal("Ada Admin: 1,000 → unlimited", Assert.Single(view.Markers).Label);
        Assert.Equal("Used per day", view.BucketSeries);
        Assert.Equal(["time_utc", "used_per_day", "used_this_month", "quota"], view.CsvHeader);
        Assert.Equal(
            [
                ["2026-11-23T00:00:00Z", "10", "110", "1000"],
                ["2026-11-24T00:00:00Z", "20", "120", "unlimited"],
                ["2026-11-25T00:00:00Z", "30", "130", "unlimited"],
            ],
            view.CsvRows());
    }

    private static UsageChart Chart(QuotaMetric metric, long used, long? limit, DateTime? projected)
    {
        var from = Now.AddHours(-2);
        List<UsagePoint> points = [new(from, used / 2, used / 2), new(from.AddHours(1), used / 2, used)];
        return new UsageChart(Guid.NewGuid(), metric, UsageRange.Month, UsageResolution.Hour, points, [new QuotaStep(from, limit)], [], used, limit, projected, Now);
    }
}
