using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Tests.Features.Quotas;

/// <summary>The metric table, plan defaults, validation and wording, without a database.</summary>
public sealed class QuotaMetricsShould
{
    [Fact]
    public void DescribeEveryMetricOnceInEnumOrder()
    {
        Assert.Equal(Enum.GetValues<QuotaMetric>(), QuotaMetrics.All.Select(m => m.Metric));
        Assert.Equal(QuotaMetrics.Count, Enum.GetValues<QuotaMetric>().Length);
        Assert.All(QuotaMetrics.All, m => Assert.True(m.MaxLimit > 0));
        Assert.Equal([QuotaMetric.ApiRequestsPerMonth, QuotaMetric.TransferBytesPerMonth], QuotaMetrics.Monthly);
        Assert.Equal(QuotaKind.Rate, QuotaMetric.ApiRequestsPerSecond.Info().Kind);
        Assert.Equal("second", QuotaMetric.ApiRequestsPerSecond.Info().Period);
        Assert.Equal(QuotaUnit.Bytes, QuotaMetric.StorageBytes.Info().Unit);
        Assert.Equal(QuotaMetrics.PB, QuotaMetric.StorageBytes.Info().MaxLimit);
        Assert.Equal(1_000_000, QuotaMetric.Seats.Info().MaxLimit);
    }

    [Fact]
    public void GiveEveryPlanADefaultForEveryMetric()
    {
        foreach (var plan in PlanCatalog.All)
        {
            Assert.Equal(Enum.GetValues<QuotaMetric>(), PlanQuotaDefaults.All.Where(q => q.PlanId == plan.Id).Select(q => q.Metric).Order());
        }

        var free = PlanQuotaDefaults.All.Where(q => q.PlanId == PlanCatalog.Free).ToDictionary(q => q.Metric, q => q.DefaultLimit);
        Assert.Equal(3, free[QuotaMetric.Seats]);
        Assert.Equal(1 * QuotaMetrics.GB, free[QuotaMetric.StorageBytes]);
        Assert.Equal(10_000, free[QuotaMetric.ApiRequestsPerMonth]);
        Assert.Null(PlanQuotaDefaults.All.Single(q => q.PlanId == PlanCatalog.Enterprise && q.Metric == QuotaMetric.Seats).DefaultLimit);
        Assert.All(PlanQuotaDefaults.All, q => Assert.True(q.DefaultLimit is null || q.DefaultLimit <= q.Metric.Info().MaxLimit));
    }

    public static TheoryData<QuotaMetric> Metrics { get; } = [.. Enum.GetValues<QuotaMetric>()];

    [Theory]
    [MemberData(nameof(Metrics))]
    public void AcceptLimitsFromZeroToTheMetricsBound(QuotaMetric metric)
    {
        var max = metric.Info().MaxLimit;

        Assert.Null(QuotaValidation.Validate(metric, QuotaOverride.To(0)));
        Assert.Null(QuotaValidation.Validate(metric, QuotaOverride.To(max)));
        Assert.Null(QuotaValidation.Validate(metric, QuotaOverride.Unlimited));
        Assert.Null(QuotaValidation.Validate(metric, QuotaOverride.Inherit));
    }

    [Theory]
    [MemberData(nameof(Metrics))]
    public void RefuseNegativeLimitsNamingTheMetricAndBound(QuotaMetric metric)
    {
        var message = QuotaValidation.Validate(metric, QuotaOverride.To(-1));

        Assert.NotNull(message);
        Assert.StartsWith(metric.Info().Label + ":", message, StringComparison.Ordinal);
        Assert.Contains("negative", message, StringComparison.Ordinal);
        Assert.Contains(metric.Info().MaxLimit.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Metrics))]
    public void RefuseLimitsAboveTheMetricsBound(QuotaMetric metric)
    {
        var max = metric.Info().MaxLimit;

        var message = QuotaValidation.Validate(metric, QuotaOverride.To(max + 1));

        Assert.NotNull(message);
        Assert.StartsWith(metric.Info().Label + ": the limit can be at most", message, StringComparison.Ordinal);
        Assert.Contains(max.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);
        Assert.NotNull(QuotaValidation.Validate(metric, QuotaOverride.To(long.MaxValue)));
    }

    [Fact]
    public void ExplainTheBoundInTheMetricsUnits()
    {
        Assert.Equal(
            "Storage: the limit can be at most 1,000,000,000,000,000 bytes (1 PB); use unlimited for no limit.",
            QuotaValidation.Validate(QuotaMetric.StorageBytes, QuotaOverride.To(QuotaMetrics.PB + 1)));
        Assert.Equal(
            "Seats: the limit can be at most 1 M seats (1,000,000); use unlimited for no limit.",
            QuotaValidation.Validate(QuotaMetric.Seats, QuotaOverride.To(1_000_001)));
    }

    [Fact]
    public void RequireAReasonAndAtLeastOneChange()
    {
        var errors = QuotaValidation.Validate(new Dictionary<QuotaMetric, QuotaOverride>(), "short");

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Null(e.Metric));
        Assert.Contains(errors, e => e.Message.Contains("at least 10 characters", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("at least one quota", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(QuotaMetric.StorageBytes, 1_000_000_000L, "1 GB")]
    [InlineData(QuotaMetric.StorageBytes, 1_500_000_000L, "1.5 GB")]
    [InlineData(QuotaMetric.StorageBytes, 100 * QuotaMetrics.GB, "100 GB")]
    [InlineData(QuotaMetric.StorageBytes, 512L, "512 B")]
    [InlineData(QuotaMetric.TransferBytesPerMonth, 5_000_000_000L, "5 GB / month")]
    [InlineData(QuotaMetric.ApiRequestsPerMonth, 1_500_000L, "1.5 M requests / month")]
    [InlineData(QuotaMetric.ApiRequestsPerMonth, 10_000L, "10,000 requests / month")]
    [InlineData(QuotaMetric.ApiRequestsPerSecond, 5L, "5 requests / second")]
    [InlineData(QuotaMetric.Seats, 3L, "3 seats")]
    [InlineData(QuotaMetric.Seats, null, "unlimited")]
    public void HumaniseLimits(QuotaMetric metric, long? value, string expected) =>
        Assert.Equal(expected, QuotaFormat.Limit(metric, value));

    [Fact]
    public void NameMonthlyPeriodsByUtcCalendarMonth()
    {
        Assert.Equal("2026-01", QuotaMetrics.PeriodOf(new DateTime(2026, 1, 31, 23, 59, 59, DateTimeKind.Utc)));
        Assert.Equal("2026-02", QuotaMetrics.PeriodOf(new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(
            (new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc)),
            QuotaMetrics.MonthOf(new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc)));
    }
}
