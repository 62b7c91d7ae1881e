using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Tests.Features.Tenants;

/// <summary>What the search planner reads from a sample: where a walk finds its matches, which trigrams narrow best.</summary>
public sealed class TenantSearchSampleShould
{
    private static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// 10,000 sampled rows standing for 1,000,000: "pinewood" is in 2 % of the names, all of them
    /// starting with "Pinewood", so they sort together under P; created times are spread.
    /// </summary>
    private static TenantSearchSample ClusteredSample()
    {
        var rows = new List<TenantSearchSample.Row>();
        for (var i = 0; i < 10_000; i++)
        {
            var name = i % 50 == 25 ? $"Pinewood {i:D5}" : $"{(char)('A' + i % 26)}company {i:D5}";
            rows.Add(new TenantSearchSample.Row(name.ToLowerInvariant(), TenantStatus.Active, "free", "eu-west", name, Start.AddMinutes(i)));
        }

        return new TenantSearchSample(rows, 1_000_000);
    }

    [Fact]
    public void SeeThatAFragmentInNamesClustersInNameOrderButNotInCreationOrder()
    {
        var sample = ClusteredSample();

        var byName = sample.WalkDistance("pinewood", new TenantQuery { Sort = TenantSort.Name }).Rows;
        var byCreated = sample.WalkDistance("pinewood", new TenantQuery { Sort = TenantSort.Created }).Rows;
        var byNameFromTheEnd = sample.WalkDistance("pinewood", new TenantQuery { Sort = TenantSort.Name, Direction = SortDirection.Descending }).Rows;

        // Spread (2 % of the rows): a page of 51 lies a few thousand rows away.
        Assert.InRange(byCreated, 1_000, 5_000);
        // In name order the walk first passes every name from "A…" to "Pc…" (16 of 26 letters):
        // about 6,150 sampled rows to the first sampled match, which stands for 0.51 of a page.
        Assert.InRange(byName, 280_000, 340_000);
        // Walking back from "Z…" passes 10 of 26 letters first.
        Assert.InRange(byNameFromTheEnd, 170_000, 220_000);
    }

    [Fact]
    public void ChooseToFetchAClusteredFragmentAndToWalkASpreadOne()
    {
        var sample = ClusteredSample();

        var byName = TenantSearchPlan.Choose(sample, "pinewood", new TenantQuery { Sort = TenantSort.Name });
        var byCreated = TenantSearchPlan.Choose(sample, "pinewood", new TenantQuery { Sort = TenantSort.Created });

        Assert.IsType<TenantSearchPlan.Rare>(byName);
        var walk = Assert.IsType<TenantSearchPlan.Frequent>(byCreated);
        Assert.Equal(20_000, walk.EstimatedMatches);
        Assert.IsType<TenantSearchPlan.Rare>(walk.Fallback);
    }

    [Fact]
    public void StartTheWalkEstimateAtTheCursor()
    {
        var sample = ClusteredSample();
        var cursor = TenantCursor.Encode(TenantSort.Name, "Pinewood", default, Guid.Empty);

        var fromCursor = sample.WalkDistance("pinewood", new TenantQuery { Sort = TenantSort.Name, Page = PageRequest.After(cursor) }).Rows;

        // Right at the cluster: the page is found at once.
        Assert.InRange(fromCursor, 0, 1_000);
    }

    [Fact]
    public void CombineCommonTrigramsThatAreRareTogether()
    {
        // "cif" is in every "pacific…" name and "ice" in every "…service" one; only a few rows
        // have "pacifice", so the pair narrows far better than either trigram alone.
        var rows = new List<TenantSearchSample.Row>();
        for (var i = 0; i < 3_000; i++)
        {
            var text = (i % 3) switch
            {
                0 => $"pacific trading {i}",
                1 => $"cloud service {i}",
                _ => i % 300 == 2 ? $"pacificedge {i}" : $"northwind {i}",
            };
            rows.Add(new TenantSearchSample.Row(text, TenantStatus.Active, "free", "eu-west", text, Start));
        }

        var chosen = new TenantSearchSample(rows, 300_000).SelectiveTrigrams("acifice");

        Assert.Contains("ice", chosen);
        Assert.True(chosen.Any(t => t is "aci" or "cif" or "ifi" or "fic"), string.Join(",", chosen));
        Assert.InRange(chosen.Count, 2, 3);
    }

    [Fact]
    public void OfferNoTrigramsForATermWithoutLettersOrDigits() =>
        Assert.Empty(ClusteredSample().SelectiveTrigrams("%_%"));
}
