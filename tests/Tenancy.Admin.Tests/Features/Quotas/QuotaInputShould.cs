using Tenancy.Admin.Features.Quotas;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Tests.Features.Quotas;

public sealed class QuotaInputShould
{
    [Theory]
    [InlineData(QuotaMetric.StorageBytes, "100 GB", 100_000_000_000)]
    [InlineData(QuotaMetric.StorageBytes, "1.5tb", 1_500_000_000_000)]
    [InlineData(QuotaMetric.StorageBytes, "512", 512)]
    [InlineData(QuotaMetric.Seats, "10,000", 10_000)]
    [InlineData(QuotaMetric.ApiRequestsPerMonth, "1.5 M", 1_500_000)]
    [InlineData(QuotaMetric.ApiRequestsPerMonth, "2k", 2_000)]
    [InlineData(QuotaMetric.Projects, "0", 0)]
    public void ReadLimitsAsStaffTypeThem(QuotaMetric metric, string text, long expected)
    {
        Assert.True(QuotaInput.TryParse(metric, text, out var value, out var error), error);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(QuotaMetric.Seats, "", "Enter a limit")]
    [InlineData(QuotaMetric.Seats, "2.5", "whole number")]
    [InlineData(QuotaMetric.Seats, "many", "is not a number")]
    [InlineData(QuotaMetric.Seats, "-3", "cannot be negative")]
    [InlineData(QuotaMetric.Seats, "2 GB", "'GB' is not a unit here")]
    [InlineData(QuotaMetric.Seats, "2 M", "more than the largest seats limit")]
    [InlineData(QuotaMetric.StorageBytes, "99999999999999999999999999 PB", "more than the largest storage limit")]
    public void SayWhyALimitIsNotValid(QuotaMetric metric, string text, string message)
    {
        Assert.False(QuotaInput.TryParse(metric, text, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(QuotaMetric.StorageBytes, 250_000_000_000)]
    [InlineData(QuotaMetric.StorageBytes, 123_456_789)]
    [InlineData(QuotaMetric.ApiRequestsPerMonth, 1_500_000)]
    [InlineData(QuotaMetric.Seats, 42)]
    public void PrefillWhatItReadsBackExactly(QuotaMetric metric, long value)
    {
        Assert.True(QuotaInput.TryParse(metric, QuotaInput.Format(metric, value), out var back, out _));
        Assert.Equal(value, back);
    }
}
