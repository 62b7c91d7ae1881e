using System.Globalization;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>Limits and usage in words: "1 GB", "1.5 M requests / month", "unlimited".</summary>
public static class QuotaFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly (long Size, string Suffix)[] ByteUnits =
        [(QuotaMetrics.PB, "PB"), (QuotaMetrics.TB, "TB"), (QuotaMetrics.GB, "GB"), (QuotaMetrics.MB, "MB"), (QuotaMetrics.KB, "KB")];
    private static readonly (long Size, string Suffix)[] CountUnits =
        [(1_000_000_000_000, "T"), (1_000_000_000, "B"), (1_000_000, "M")];

    /// <summary>A limit of <paramref name="metric"/> in words; null is "unlimited".</summary>
    public static string Limit(QuotaMetric metric, long? value)
    {
        if (value is not { } v)
        {
            return "unlimited";
        }

        var info = metric.Info();
        return info.Unit == QuotaUnit.Bytes
            ? Bytes(v) + (info.Period is { } period ? " / " + period : "")
            : Count(v) + " " + info.UnitLabel;
    }

    /// <summary>An amount of <paramref name="metric"/> without the unit noun: "1.5 GB", "10,000".</summary>
    public static string Amount(QuotaMetric metric, long value) =>
        metric.Info().Unit == QuotaUnit.Bytes ? Bytes(value) : Count(value);

    /// <summary>Decimal units (1 GB = 1,000,000,000 bytes), at most one decimal: "1.5 GB", "512 B".</summary>
    public static string Bytes(long value)
    {
        foreach (var (size, suffix) in ByteUnits)
        {
            if (value >= size)
            {
                return Scaled(value, size) + " " + suffix;
            }
        }

        return value.ToString("N0", Invariant) + " B";
    }

    /// <summary>Counts below a million in full ("10,000"), above it scaled ("1.5 M").</summary>
    public static string Count(long value)
    {
        foreach (var (size, suffix) in CountUnits)
        {
            if (value >= size)
            {
                return Scaled(value, size) + " " + suffix;
            }
        }

        return value.ToString("N0", Invariant);
    }

    private static string Scaled(long value, long size) =>
        value % size == 0
            ? (value / size).ToString("N0", Invariant)
            : Math.Round((decimal)value / size, 1, MidpointRounding.ToZero).ToString("#,0.#", Invariant);
}
