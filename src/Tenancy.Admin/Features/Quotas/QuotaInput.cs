using System.Globalization;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Features.Quotas;

/// <summary>
/// Reads a limit as staff type it: "100 GB", "1.5 TB", "250 MB" for bytes (decimal units, as
/// shown); "10000", "10,000", "1.5 M", "2k" for counts. The result must be a whole number.
/// </summary>
public static class QuotaInput
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, long> ByteSuffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        [""] = 1, ["b"] = 1, ["kb"] = QuotaMetrics.KB, ["mb"] = QuotaMetrics.MB, ["gb"] = QuotaMetrics.GB,
        ["tb"] = QuotaMetrics.TB, ["pb"] = QuotaMetrics.PB,
    };

    private static readonly Dictionary<string, long> CountSuffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        [""] = 1, ["k"] = 1_000, ["m"] = 1_000_000, ["b"] = 1_000_000_000, ["t"] = 1_000_000_000_000,
    };

    /// <summary>Parses <paramref name="text"/> for <paramref name="metric"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(QuotaMetric metric, string? text, out long value, out string? error)
    {
        value = 0;
        var info = metric.Info();
        var units = info.Unit == QuotaUnit.Bytes ? ByteSuffixes : CountSuffixes;
        var example = info.Unit == QuotaUnit.Bytes ? "100 GB" : "10,000 or 1.5 M";
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length == 0)
        {
            error = $"Enter a limit, for example {example}.";
            return false;
        }

        var split = trimmed.Length;
        while (split > 0 && char.IsLetter(trimmed[split - 1]))
        {
            split--;
        }

        var number = trimmed[..split].Trim().Replace(",", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        var suffix = trimmed[split..].Trim();
        if (number.Length == 0)
        {
            error = $"'{trimmed}' is not a number; enter something like {example}.";
            return false;
        }

        if (!units.TryGetValue(suffix, out var multiplier))
        {
            error = $"'{suffix}' is not a unit here; use {string.Join(", ", units.Keys.Where(k => k.Length > 0).Select(k => k.ToUpperInvariant()))}.";
            return false;
        }

        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, Invariant, out var amount))
        {
            error = $"'{trimmed}' is not a number; enter something like {example}.";
            return false;
        }

        if (amount < 0)
        {
            error = "A limit cannot be negative.";
            return false;
        }

        decimal scaled;
        try
        {
            scaled = amount * multiplier;
        }
        catch (OverflowException)
        {
            error = $"That is more than the largest {info.Label.ToLowerInvariant()} limit ({QuotaFormat.Limit(metric, info.MaxLimit)}).";
            return false;
        }

        if (scaled != decimal.Truncate(scaled))
        {
            error = "A limit must be a whole number" + (info.Unit == QuotaUnit.Bytes ? " of bytes." : ".");
            return false;
        }

        if (scaled > info.MaxLimit)
        {
            error = $"That is more than the largest {info.Label.ToLowerInvariant()} limit ({QuotaFormat.Limit(metric, info.MaxLimit)}).";
            return false;
        }

        value = (long)scaled;
        error = null;
        return true;
    }

    /// <summary>How a limit is pre-filled in the editor, in a form <see cref="TryParse"/> reads back exactly.</summary>
    public static string Format(QuotaMetric metric, long value)
    {
        var text = QuotaFormat.Amount(metric, value);
        return TryParse(metric, text, out var back, out _) && back == value
            ? text
            : value.ToString("N0", Invariant);
    }
}
