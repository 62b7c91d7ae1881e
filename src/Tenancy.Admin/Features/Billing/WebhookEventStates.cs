using MudBlazor;
using Tenancy.Core.Features.Billing;

namespace Tenancy.Admin.Features.Billing;

/// <summary>How the portal names and colours a Stripe event's state, and its slug in links.</summary>
public static class WebhookEventStates
{
    /// <summary>Every state, in the order staff meet them.</summary>
    public static IReadOnlyList<StripeEventState> All { get; } = Enum.GetValues<StripeEventState>();

    /// <summary>The states staff act on, shown as counts at the top of the page.</summary>
    public static IReadOnlyList<StripeEventState> Attention { get; } = [StripeEventState.Pending, StripeEventState.Parked, StripeEventState.Failed];

    public static string ToSlug(this StripeEventState state) => state.ToString().ToLowerInvariant();

    public static bool TryParseSlug(string? value, out StripeEventState state)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToSlug(), value, StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }

    public static string ToLabel(this StripeEventState state) => state switch
    {
        StripeEventState.Stale => "Ignored as stale",
        _ => state.ToString(),
    };

    public static Color ToColor(this StripeEventState state) => state switch
    {
        StripeEventState.Pending => Color.Info,
        StripeEventState.Applied => Color.Success,
        StripeEventState.Ignored => Color.Default,
        StripeEventState.Stale => Color.Dark, // set apart from Applied's green and Ignored's grey
        StripeEventState.Parked => Color.Warning,
        StripeEventState.Failed => Color.Error,
        _ => Color.Default,
    };
}
