using Microsoft.Extensions.Primitives;

namespace Tenancy.Admin.Components;

/// <summary>What the pages that keep their state in the URL say about a link's parameters.</summary>
public static class LinkParameters
{
    /// <summary>Notices for parameters the page does not know and for parameters given more than once.</summary>
    public static void AddNotices(IReadOnlyDictionary<string, StringValues> values, IReadOnlySet<string> knownKeys, List<string> notices)
    {
        foreach (var (key, given) in values)
        {
            if (!knownKeys.Contains(key))
            {
                notices.Add($"Unknown link parameter '{Shorten(key)}' was ignored.");
            }
            else if (given.Count > 1)
            {
                notices.Add($"Link parameter '{key}' was given {given.Count} times; the first was used.");
            }
        }
    }

    /// <summary>A value from a link, cut to a length a notice can show.</summary>
    public static string Shorten(string text) => text.Length <= 60 ? text : text[..59] + "…";
}
