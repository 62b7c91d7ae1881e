using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Tenancy.Core.Features.Audit;

namespace Tenancy.Admin.Features.Audit;

/// <summary>
/// The audit log's filters as its address carries them (<c>/audit?who=sam&amp;action=quota.changed&amp;tenant=…&amp;from=2026-12-01&amp;to=2026-12-03</c>),
/// so a filtered view can be copied, reloaded and exported. <c>to</c> is a whole day, inclusive.
/// </summary>
public sealed record AuditFilters(string? Who = null, string? Action = null, Guid? Tenant = null, DateOnly? From = null, DateOnly? To = null)
{
    public const string PagePath = "/audit";
    public const string ExportPath = "/audit/export.csv";

    private const string DateFormat = "yyyy-MM-dd";

    /// <summary>The audit query these filters make (its first page).</summary>
    public AuditQuery ToQuery() => new()
    {
        Actor = Who,
        Action = Action,
        TenantId = Tenant,
        From = From?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        To = To?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
    };

    /// <summary>The query string ("?who=…", or "" for no filter), the filters in a fixed order.</summary>
    public string QueryString()
    {
        var parameters = new List<KeyValuePair<string, string?>>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parameters.Add(new(name, value));
            }
        }

        Add("who", Who);
        Add("action", Action);
        Add("tenant", Tenant?.ToString());
        Add("from", From?.ToString(DateFormat, CultureInfo.InvariantCulture));
        Add("to", To?.ToString(DateFormat, CultureInfo.InvariantCulture));
        return QueryHelpers.AddQueryString("", parameters);
    }

    /// <summary>
    /// The filters of an address's query values, and what it had to ignore, in words (a
    /// malformed tenant id or date, a range that ends before it starts). Text filters are trimmed
    /// and cut to the length the log accepts.
    /// </summary>
    public static (AuditFilters Filters, IReadOnlyList<string> Ignored) Parse(Func<string, string?> value)
    {
        var ignored = new List<string>();
        string? Text(string name, int max) => value(name)?.Trim() is { Length: > 0 } text ? text[..Math.Min(text.Length, max)] : null;

        Guid? tenant = null;
        if (Text("tenant", 100) is { } tenantText)
        {
            if (Guid.TryParse(tenantText, out var id))
            {
                tenant = id;
            }
            else
            {
                ignored.Add("the tenant id");
            }
        }

        DateOnly? Date(string name, string what)
        {
            if (Text(name, 20) is not { } text)
            {
                return null;
            }

            if (DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            ignored.Add(what);
            return null;
        }

        var from = Date("from", "the start date");
        var to = Date("to", "the end date");
        if (from is { } f && to is { } t && t < f)
        {
            ignored.Add("the end date (before the start)");
            to = null;
        }

        return (new AuditFilters(Text("who", 200), Text("action", 100), tenant, from, to), ignored);
    }
}
