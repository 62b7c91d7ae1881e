using Tenancy.Core.Features.Plans;

namespace Tenancy.Core.Data.Seeding;

/// <summary>
/// A demo tenant with a fixed name and slug whose recent days are written through the capture
/// triggers after the load (<see cref="DemoShowcaseHistory"/>), so a newcomer finds it by name
/// and has a real restore to try. The generator gives the tenant at <see cref="Sequence"/> these
/// values and loads its data as it was <see cref="HistoryLength"/> before the seed.
/// </summary>
internal sealed record DemoShowcaseTenant(long Sequence, string Name, string Slug, string CompanyDomain, string Region, string PlanId)
{
    /// <summary>How long before the seed the tenant's history starts: its loaded data is as of then, and every later change is captured.</summary>
    public TimeSpan HistoryLength { get; init; } = TimeSpan.FromDays(2);
}

/// <summary>The showcase tenants: the first tenants of the demo data set, so only a first seeding run (into an empty catalog) has them.</summary>
internal static class DemoShowcase
{
    /// <summary>A morning of ordinary work, then a CSV import an hour before the seed that overwrote items and deleted three projects.</summary>
    public static readonly DemoShowcaseTenant AcmeImports =
        new(0, "Acme Imports Ltd", "acme-imports", "acmeimports.co.uk", "eu-west", PlanCatalog.Enterprise);

    /// <summary>Ordinary work yesterday, a seat clean-up yesterday evening that removed every Member and Guest seat, more work this morning.</summary>
    public static readonly DemoShowcaseTenant BluebirdStudio =
        new(1, "Bluebird Studio", "bluebird-studio", "bluebirdstudio.com", "us-west", PlanCatalog.Enterprise);

    public static IReadOnlyList<DemoShowcaseTenant> All { get; } = [AcmeImports, BluebirdStudio];

    /// <summary>The showcase tenant at <paramref name="sequence"/> of the demo data set, if any.</summary>
    public static DemoShowcaseTenant? At(long sequence) => sequence < All.Count ? All.SingleOrDefault(s => s.Sequence == sequence) : null;
}
