namespace Tenancy.Core.Features.Tenants;

/// <summary>SQL functions the tenant search uses, mapped in <see cref="Data.TenancyDbContext"/>.</summary>
public static class SearchFunctions
{
    /// <summary>
    /// Position of <paramref name="needle"/> in <paramref name="text"/> (1-based, 0 when absent):
    /// <c>strpos</c> on PostgreSQL, <c>instr</c> on SQLite. A literal match (no wildcards), and not
    /// indexable, so the planner keeps it as a filter. Only usable inside a query.
    /// </summary>
    public static int StrPos(string text, string needle) =>
        throw new InvalidOperationException($"{nameof(StrPos)} runs in the database only, inside a LINQ query.");
}
