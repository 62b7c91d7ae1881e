namespace Tenancy.Core.Features.Tenants;

/// <summary>The data regions a tenant can live in.</summary>
public static class Regions
{
    public static IReadOnlyList<string> All { get; } =
        ["us-east", "us-west", "eu-west", "eu-central", "ap-southeast", "sa-east"];

    public static bool IsKnown(string? region) => region is not null && All.Contains(region);
}
