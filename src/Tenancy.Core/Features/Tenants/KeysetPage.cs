namespace Tenancy.Core.Features.Tenants;

/// <summary>Turns the rows a keyset query fetched into a page and the cursors to its neighbours.</summary>
public static class KeysetPage
{
    /// <summary>
    /// <paramref name="fetched"/> holds up to <paramref name="pageSize"/> + 1 rows read in the
    /// direction of travel (backwards for <see cref="PageKind.Before"/> and <see cref="PageKind.Last"/>).
    /// The extra row only says that more rows lie ahead; it is dropped, and the rows are put back in
    /// display order. Moving forward, "more" means a next page exists; moving backward, a previous
    /// one; a page reached through a cursor always has a neighbour on the side it came from.
    /// </summary>
    public static (List<T> Items, string? PreviousCursor, string? NextCursor) Cut<T>(
        List<T> fetched, int pageSize, PageKind kind, Func<T, string> cursorOf)
    {
        var more = fetched.Count > pageSize;
        if (more)
        {
            fetched.RemoveAt(fetched.Count - 1);
        }

        if (kind is PageKind.Before or PageKind.Last)
        {
            fetched.Reverse();
        }

        if (fetched.Count == 0)
        {
            return (fetched, null, null);
        }

        var hasPrevious = kind switch { PageKind.First => false, PageKind.After => true, _ => more };
        var hasNext = kind switch { PageKind.Last => false, PageKind.Before => true, _ => more };
        return (fetched, hasPrevious ? cursorOf(fetched[0]) : null, hasNext ? cursorOf(fetched[^1]) : null);
    }
}
