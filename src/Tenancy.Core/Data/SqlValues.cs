using System.Text;

namespace Tenancy.Core.Data;

/// <summary>
/// The rows of a multi-row <c>VALUES</c> list, each value a parameter (<c>{0}</c>, <c>{1}</c>, …
/// for <c>ExecuteSqlRaw</c> / <c>SqlQueryRaw</c>), the same SQL on PostgreSQL, SQLite and Citus.
/// A null is written as <c>NULL</c>: a parameter without a value has no type for PostgreSQL to infer.
/// Callers keep statements within the providers' parameter limits by chunking their rows.
/// </summary>
internal sealed class SqlValues
{
    private readonly StringBuilder sql = new();
    private readonly List<object> arguments = [];

    /// <summary>The list, <c>({0}, {1}), ({2}, {3})</c>, to follow <c>VALUES</c>.</summary>
    public string Sql => sql.ToString();

    /// <summary>The parameters' values, in the order of their placeholders.</summary>
    public IReadOnlyList<object> Arguments => arguments;

    /// <summary>Adds one row.</summary>
    public SqlValues Row(params ReadOnlySpan<object?> values)
    {
        sql.Append(sql.Length == 0 ? "(" : ", (");
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                sql.Append(", ");
            }

            if (values[i] is { } value)
            {
                sql.Append('{').Append(arguments.Count).Append('}');
                arguments.Add(value);
            }
            else
            {
                sql.Append("NULL");
            }
        }

        sql.Append(')');
        return this;
    }

    /// <summary>The rows of <paramref name="items"/> as one list.</summary>
    public static SqlValues Of<T>(IEnumerable<T> items, Func<T, object?[]> row)
    {
        var values = new SqlValues();
        foreach (var item in items)
        {
            values.Row(row(item));
        }

        return values;
    }
}
