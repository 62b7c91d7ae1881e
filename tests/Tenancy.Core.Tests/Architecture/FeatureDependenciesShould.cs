using Tenancy.Core.Data;

namespace Tenancy.Core.Tests.Architecture;

/// <summary>
/// The feature folders of Tenancy.Core (<c>Features/X</c>, namespace <c>Tenancy.Core.Features.X</c>)
/// depend on each other without cycles, so each can be read, changed and tested from the ones
/// below it. What counts as a use is written on <see cref="FeatureGraph"/>.
/// </summary>
public sealed class FeatureDependenciesShould
{
    private const string CoreFeatures = "Tenancy.Core.Features.";

    [Fact]
    public void FormNoCycle()
    {
        var graph = FeatureGraph.Of(typeof(TenancyDbContext).Assembly, CoreFeatures);
        TestContext.Current.TestOutputHelper?.WriteLine(graph.ToString());

        var cycles = graph.FindCycles();

        Assert.Contains("Quotas", graph.Features); // the assembly was read
        Assert.True(cycles.Count == 0, $"Feature folders use each other in a cycle:\n{string.Join("\n", cycles)}\n\nThe graph:\n{graph}");
    }

    [Fact]
    public void FindACycleMadeInsideAMethodBody()
    {
        var graph = FeatureGraph.Of(typeof(FeatureDependenciesShould).Assembly, "Tenancy.Core.Tests.Architecture.Samples.Features.");

        var cycle = Assert.Single(graph.FindCycles());

        Assert.StartsWith("Alpha → Beta → Alpha (Alpha.AlphaCaller uses Beta.BetaThing; Beta.BetaThing uses Alpha.AlphaCaller)", cycle, StringComparison.Ordinal);
    }
}
