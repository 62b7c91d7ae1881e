using System.Globalization;
using System.Text.Json;
using Tenancy.Core.Features.Restore;

namespace Tenancy.Admin.Features.Restore;

/// <summary>One field of a previewed row: its value now and after the restore (null where the row is absent).</summary>
public sealed record FieldChange(string Field, string? Now, string? After);

/// <summary>
/// A previewed row in words: what the restore does to it (deletes it, puts it back, changes it
/// back) and which fields change. The change log keeps rows as JSON (<see cref="RewindSample"/>);
/// here they become field names and values as staff read them.
/// </summary>
public sealed record RowDiff(string Action, string Key, IReadOnlyList<FieldChange> Fields)
{
    /// <summary>The tenant id is the same in every row of a tenant; it says nothing here.</summary>
    private static readonly HashSet<string> Hidden = ["tenant_id"];

    public static RowDiff From(RewindSample sample)
    {
        var then = Parse(sample.Then);
        var now = Parse(sample.Now);
        var action = (then, now) switch
        {
            (null, _) => "Deleted (added after the moment)",
            (_, null) => "Put back (removed after the moment)",
            _ => "Changed back",
        };
        var names = (then?.Keys ?? Enumerable.Empty<string>()).Union(now?.Keys ?? Enumerable.Empty<string>()).Where(n => !Hidden.Contains(n)).ToList();
        var fields = names
            .Select(n => new FieldChange(n, now?.GetValueOrDefault(n), then?.GetValueOrDefault(n)))
            .Where(f => then is null || now is null || f.Now != f.After)
            .ToList();
        return new RowDiff(action, KeyText(sample.Key), fields);
    }

    private static Dictionary<string, string?>? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => Text(p.Value), StringComparer.Ordinal);
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => TimeOrText(value.GetString()!),
        JsonValueKind.Number => value.TryGetInt64(out var n) ? n.ToString("N0", CultureInfo.InvariantCulture) : value.GetRawText(),
        _ => value.GetRawText(),
    };

    /// <summary>A time stored in the row (ISO 8601 from PostgreSQL, "yyyy-MM-dd HH:mm:ss…" from SQLite) as the portal writes times; other text as it is.</summary>
    private static string TimeOrText(string text) =>
        text.Length >= 19 && char.IsDigit(text[0]) && text[4] == '-' && text[10] is 'T' or ' '
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? Components.TimeText.UtcSeconds(time.UtcDateTime)
            : text;

    private static string KeyText(string json)
    {
        using var document = JsonDocument.Parse(json);
        return string.Join(", ", document.RootElement.EnumerateObject().Select(p => $"{p.Name} {Text(p.Value)}"));
    }
}
