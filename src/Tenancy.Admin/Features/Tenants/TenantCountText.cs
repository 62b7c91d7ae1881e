using System.Globalization;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Features.Tenants;

/// <summary>How a <see cref="TenantCount"/> reads on screen: exact, "about 10.2 million", or "1,000+".</summary>
public static class TenantCountText
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    public static string Format(TenantCount count, bool isSearch)
    {
        var noun = isSearch ? (count.Value == 1 && count.Kind == TenantCountKind.Exact ? "match" : "matches")
            : (count.Value == 1 && count.Kind == TenantCountKind.Exact ? "tenant" : "tenants");
        return count.Kind switch
        {
            TenantCountKind.Exact => $"{count.Value.ToString("N0", Culture)} {noun}",
            TenantCountKind.AtLeast => $"{count.Value.ToString("N0", Culture)}+ {noun}",
            _ => $"about {Approximate(count.Value)} {noun}",
        };
    }

    /// <summary>Three significant figures: 10,234,567 → "10.2 million", 48,321 → "48,300".</summary>
    public static string Approximate(long value)
    {
        if (value >= 1_000_000)
        {
            var millions = (value / 1_000_000d).ToString(value >= 100_000_000 ? "N0" : value >= 10_000_000 ? "N1" : "N2", Culture);
            if (millions.Contains('.', StringComparison.Ordinal))
            {
                millions = millions.TrimEnd('0').TrimEnd('.');
            }

            return millions + " million";
        }

        if (value < 1_000)
        {
            return value.ToString("N0", Culture);
        }

        var magnitude = (long)Math.Pow(10, Math.Floor(Math.Log10(value)) - 2);
        return (Math.Round((double)value / magnitude) * magnitude).ToString("N0", Culture);
    }
}
