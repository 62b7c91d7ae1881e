using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Tenancy.Admin.Components;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Features.Billing;

/// <summary>
/// The webhook events page's state in the query string, so a copied link reproduces the view:
/// <c>/billing/events?type=invoice.paid&amp;state=failed&amp;q=cus_…&amp;after=…</c>. Parsing never throws:
/// anything it does not understand falls back to the default and is reported in
/// <see cref="Parsed.Notices"/>. Whether a page cursor is valid only the service can tell; the
/// page falls back to the first page when it says no.
/// </summary>
public static partial class WebhookEventsUrl
{
    public const string Path = "/billing/events";

    public const string InvalidPageNotice = "The page position in the link was not valid; showing the first page.";

    private const int MaxCursorLength = 1024;

    public sealed record Parsed(StripeEventQuery Query, IReadOnlyList<string> Notices);

    public static Parsed Parse(string uri)
    {
        var values = QueryHelpers.ParseQuery(new Uri(uri, UriKind.Absolute).Query);
        var notices = new List<string>();
        var query = new StripeEventQuery();

        if (Single(values, "type") is { } type)
        {
            if (IsEventType(type))
            {
                query = query with { Type = type };
            }
            else
            {
                notices.Add($"'{LinkParameters.Shorten(type)}' is not a Stripe event type and was ignored.");
            }
        }

        if (Single(values, "q")?.Trim() is { Length: > 0 } search)
        {
            if (search.Length <= Tenant.StripeIdMaxLength)
            {
                query = query with { Search = search };
            }
            else
            {
                notices.Add("The search in the link was longer than a Stripe id and was ignored.");
            }
        }

        if (Single(values, "state") is { } state)
        {
            if (WebhookEventStates.TryParseSlug(state, out var parsed))
            {
                query = query with { State = parsed };
            }
            else
            {
                notices.Add($"Unknown state '{LinkParameters.Shorten(state)}' was ignored.");
            }
        }

        var after = Single(values, "after");
        var before = Single(values, "before");
        var page = Single(values, "page");
        if (after is not null && before is null && page is null)
        {
            query = IsCursor(after) ? query with { Page = PageRequest.After(after) } : WithNotice(query, notices);
        }
        else if (before is not null && after is null && page is null)
        {
            query = IsCursor(before) ? query with { Page = PageRequest.Before(before) } : WithNotice(query, notices);
        }
        else if (page == "last" && after is null && before is null)
        {
            query = query with { Page = PageRequest.Last };
        }
        else if (after is not null || before is not null || page is not null)
        {
            notices.Add(InvalidPageNotice);
        }

        LinkParameters.AddNotices(values, KnownKeys, notices);

        return new Parsed(query, notices);
    }

    /// <summary>The relative URL of a view; defaults are left out so links stay short.</summary>
    public static string Format(StripeEventQuery query)
    {
        var parameters = new List<KeyValuePair<string, string?>>();
        if (!string.IsNullOrWhiteSpace(query.Type))
        {
            parameters.Add(new("type", query.Type));
        }

        if (query.State is { } state)
        {
            parameters.Add(new("state", state.ToSlug()));
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            parameters.Add(new("q", query.Search.Trim()));
        }

        switch (query.Page.Kind)
        {
            case PageKind.After:
                parameters.Add(new("after", query.Page.Cursor));
                break;
            case PageKind.Before:
                parameters.Add(new("before", query.Page.Cursor));
                break;
            case PageKind.Last:
                parameters.Add(new("page", "last"));
                break;
        }

        return QueryHelpers.AddQueryString(Path, parameters);
    }

    /// <summary>Stripe's event types are lower-case words joined by dots (<c>invoice.payment_failed</c>).</summary>
    public static bool IsEventType(string? value) => value is not null && EventTypePattern().IsMatch(value);

    private static readonly HashSet<string> KnownKeys = ["type", "state", "q", "after", "before", "page"];

    private static bool IsCursor(string value) => value.Length is > 0 and <= MaxCursorLength;

    private static string? Single(Dictionary<string, StringValues> values, string key) =>
        values.TryGetValue(key, out var value) && value.Count > 0 ? value[0] : null;

    private static StripeEventQuery WithNotice(StripeEventQuery query, List<string> notices)
    {
        notices.Add(InvalidPageNotice);
        return query;
    }

    [GeneratedRegex("^[a-z0-9_]+(\\.[a-z0-9_]+){1,5}$")]
    private static partial Regex EventTypePattern();
}
