namespace Tenancy.Core.Data.Seeding;

/// <summary>
/// A table the demo loaders write: its name, the columns they fill in the order they write
/// values, and the columns they leave to the database's default (null) on purpose.
/// </summary>
/// <remarks>
/// <c>DemoTablesShould</c> (tests/Tenancy.Core.Tests) compares every table with the EF model:
/// a model column that is neither written nor left, or a column the model does not have, fails
/// it by name. The loaders build their COPY and INSERT statements from <see cref="Columns"/>
/// and write one value per column in the same order.
/// </remarks>
internal sealed record DemoTable(string Name, IReadOnlyList<string> Columns, IReadOnlyList<string> LeftToDefault)
{
    public DemoTable(string name, params string[] columns)
        : this(name, columns, [])
    {
    }

    /// <summary>The column list of a COPY or INSERT statement: <c>tenants (id, name, …)</c>.</summary>
    public string WithColumns => $"{Name} ({string.Join(", ", Columns)})";
}
