namespace Tenancy.E2E.Hosting;

/// <summary>
/// Tests that add a tenant of their own to write notes on. The tenant list tests count every
/// tenant, so these run after the parallel tests, one after another (xunit runs collections with
/// parallelization disabled last, alone).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotesCollection
{
    public const string Name = "Notes";
}
