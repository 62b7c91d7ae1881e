namespace Tenancy.Core.Features.Plans;

/// <summary>
/// A subscription plan. Plans are a small shared lookup table (on Citus on the coordinator with
/// the catalog, decision 0006): tenant-owned rows may point at a plan, a plan never points at tenant data.
/// </summary>
public sealed class Plan
{
    /// <summary>Stable code used in URLs and configuration, e.g. <c>professional</c>.</summary>
    public required string Id { get; init; }

    public required string Name { get; set; }

    /// <summary>Monthly list price in minor units (cents) of <see cref="Currency"/>.</summary>
    public long MonthlyPriceMinor { get; set; }

    public required string Currency { get; set; }

    /// <summary>Position in pickers and tables, cheapest first.</summary>
    public int SortOrder { get; set; }
}
