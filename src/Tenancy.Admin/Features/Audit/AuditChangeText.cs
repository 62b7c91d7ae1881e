using System.Globalization;
using System.Text;
using System.Text.Json;
using Tenancy.Admin.Components;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Features.Audit;

/// <summary>One changed field of an audit entry, its name and values in words; a missing side is null.</summary>
public sealed record AuditChangeLine(string Field, string? Before, string? After);

/// <summary>
/// An audit entry's before and after JSON as people read them: one line per field that changed
/// (nested objects flattened, "Storage › limit"), field names in words, values formatted as the
/// rest of the portal formats them (statuses by name, quota limits with their unit, times in UTC
/// with how long ago). Unchanged fields are left out; an entry with only one side lists its fields.
/// Entries written before enums were recorded by name carry numbers: a status number is read
/// as <see cref="TenantStatus"/>.
/// </summary>
public static class AuditChangeText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Segments of a path that only group other fields and add nothing to a name.</summary>
    private static readonly HashSet<string> GroupingSegments = new(StringComparer.OrdinalIgnoreCase) { "limits" };

    public static IReadOnlyList<AuditChangeLine> Lines(string? beforeJson, string? afterJson, DateTime now)
    {
        var before = Flatten(beforeJson);
        var after = Flatten(afterJson);
        if (before is null || after is null)
        {
            // Not JSON (nothing the portal writes): show it as it is.
            return [new AuditChangeLine("Change", beforeJson, afterJson)];
        }

        var lines = new List<AuditChangeLine>();
        foreach (var path in before.Keys.Concat(after.Keys.Where(k => !before.ContainsKey(k))))
        {
            var hasBefore = before.TryGetValue(path, out var b);
            var hasAfter = after.TryGetValue(path, out var a);
            if (hasBefore && hasAfter && JsonElement.DeepEquals(b, a))
            {
                continue;
            }

            lines.Add(new AuditChangeLine(
                FieldName(path),
                hasBefore ? Value(path, b, now) : null,
                hasAfter ? Value(path, a, now) : null));
        }

        return lines;
    }

    /// <summary>The leaves of a JSON object by dotted path, in document order; empty for no JSON, null for JSON that is not an object.</summary>
    private static Dictionary<string, JsonElement>? Flatten(string? json)
    {
        var leaves = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return leaves;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            Walk(document.RootElement, "");
            return leaves;
        }
        catch (JsonException)
        {
            return null;
        }

        void Walk(JsonElement element, string prefix)
        {
            foreach (var property in element.EnumerateObject())
            {
                var path = prefix.Length == 0 ? property.Name : prefix + "." + property.Name;
                if (property.Value.ValueKind == JsonValueKind.Object && property.Value.EnumerateObject().Any())
                {
                    Walk(property.Value, path);
                }
                else
                {
                    leaves[path] = property.Value.Clone();
                }
            }
        }
    }

    /// <summary>"limits.StorageBytes.limit" → "Storage › limit"; "pastDueSince" → "Past due since".</summary>
    public static string FieldName(string path)
    {
        var words = path.Split('.')
            .Where(s => !GroupingSegments.Contains(s))
            .Select(s => Metric(s) is { } metric ? metric.Info().Label : Words(s))
            .ToList();
        if (words.Count == 0)
        {
            return Words(path);
        }

        words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
        return string.Join(" › ", words);
    }

    private static string Value(string path, JsonElement value, DateTime now)
    {
        var key = path[(path.LastIndexOf('.') + 1)..];
        var metric = path.Split('.').Select(Metric).FirstOrDefault(m => m is not null);
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return "none";
            case JsonValueKind.True:
                return "yes";
            case JsonValueKind.False:
                return "no";
            case JsonValueKind.Number when IsStatus(key) && value.TryGetInt32(out var number) && Enum.IsDefined((TenantStatus)number):
                return ((TenantStatus)number).ToLabel();
            case JsonValueKind.Number when metric is { } m && value.TryGetInt64(out var amount) && IsLimit(key):
                return QuotaFormat.Limit(m, amount);
            case JsonValueKind.Number when value.TryGetInt64(out var whole):
                return key.EndsWith("Ms", StringComparison.Ordinal)
                    ? whole.ToString("N0", Invariant) + " ms"
                    : whole.ToString("N0", Invariant);
            case JsonValueKind.Number:
                return value.GetRawText();
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (IsStatus(key) && Enum.TryParse<TenantStatus>(text, ignoreCase: false, out var status))
                {
                    return status.ToLabel();
                }

                if (metric is not null && IsLimit(key) && text == "inherit")
                {
                    return "plan default";
                }

                if (text.Length >= 19 && text[10] == 'T'
                    && DateTime.TryParse(text, Invariant, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
                {
                    var utc = DateTime.SpecifyKind(time, DateTimeKind.Utc);
                    return TimeText.UtcSeconds(utc) + " (" + (utc <= now ? TimeText.Ago(utc, now) : "in " + TimeText.Duration(utc - now)) + ")";
                }

                return text;
            default:
                return value.GetRawText();
        }
    }

    private static bool IsStatus(string key) => key.Equals("status", StringComparison.OrdinalIgnoreCase);

    private static bool IsLimit(string key) =>
        key.Equals("limit", StringComparison.OrdinalIgnoreCase) || key.Equals("override", StringComparison.OrdinalIgnoreCase);

    /// <summary>A quota metric's name as the quota and plan entries key their values ("StorageBytes"; "storageBytes" from a camel-cased property).</summary>
    private static QuotaMetric? Metric(string segment) =>
        segment.Length > 0 && char.IsLetter(segment[0]) && Enum.TryParse<QuotaMetric>(segment, ignoreCase: true, out var metric) && QuotaMetrics.IsDefined(metric)
            ? metric
            : null;

    /// <summary>"pastDueSince" / "PastDueSince" / "past_due_since" → "past due since"; "jobId" → "job id".</summary>
    private static string Words(string name)
    {
        var words = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '_' or '-')
            {
                words.Append(' ');
            }
            else if (char.IsUpper(c) && i > 0 && !char.IsUpper(name[i - 1]))
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(char.ToLowerInvariant(c));
            }
        }

        return words.ToString();
    }
}
