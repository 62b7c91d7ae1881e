namespace Tenancy.Core.Features.Plans;

/// <summary>The plans every installation starts with (seed data applied by the migrations).</summary>
public static class PlanCatalog
{
    public const string Free = "free";
    public const string Starter = "starter";
    public const string Professional = "professional";
    public const string Enterprise = "enterprise";

    public static IReadOnlyList<Plan> All { get; } =
    [
        new() { Id = Free, Name = "Free", MonthlyPriceMinor = 0, Currency = "USD", SortOrder = 0 },
        new() { Id = Starter, Name = "Starter", MonthlyPriceMinor = 2_900, Currency = "USD", SortOrder = 1 },
        new() { Id = Professional, Name = "Professional", MonthlyPriceMinor = 9_900, Currency = "USD", SortOrder = 2 },
        new() { Id = Enterprise, Name = "Enterprise", MonthlyPriceMinor = 49_900, Currency = "USD", SortOrder = 3 },
    ];
}
