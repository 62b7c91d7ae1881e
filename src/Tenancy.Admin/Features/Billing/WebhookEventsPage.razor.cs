using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Tenancy.Admin.Components;
using Tenancy.Admin.Features.Staff;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Features.Billing;

/// <summary>
/// The fleet's Stripe webhook inbox. Filters and page position live in the URL
/// (<see cref="WebhookEventsUrl"/>): every change navigates, and the page loads whatever the URL
/// says. Admins replay failed events and link the customer of parked ones to a tenant; the
/// service checks the capability again.
/// </summary>
public partial class WebhookEventsPage
{
    private const string Any = "any";

    private readonly List<string> _notices = [];
    private IReadOnlyList<string> _types = [];
    private StripeEventQuery _query = new();
    private string? _loadedUri;
    private StripeEventPage? _page;
    private IReadOnlyDictionary<StripeEventState, int>? _counts;
    private bool _loading;
    private string? _error;
    private StaffActor? _actor;
    private bool _canOperate;
    private CancellationTokenSource? _loadCancellation;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    // Declared so that the router re-renders this page when only the query string changes; the
    // values are read through WebhookEventsUrl.Parse, which also reports what it ignores.
#pragma warning disable IDE0051, CS0169 // Set by the framework; read via Navigation.Uri.
    [SupplyParameterFromQuery(Name = "type")] private string? QueryType { get; set; }
    [SupplyParameterFromQuery(Name = "state")] private string? QueryState { get; set; }
    [SupplyParameterFromQuery(Name = "after")] private string? QueryAfter { get; set; }
    [SupplyParameterFromQuery(Name = "before")] private string? QueryBefore { get; set; }
    [SupplyParameterFromQuery(Name = "page")] private string? QueryPage { get; set; }
#pragma warning restore IDE0051, CS0169

    private bool HasFilters => _query.Type is not null || _query.State is not null || _query.Search is not null;

    private bool CanGoBack => _page?.PreviousCursor is not null && !_loading;

    private bool CanGoForward => _page?.NextCursor is not null && !_loading;

    /// <summary>The known types, plus the one a link filters by when no event of it has arrived yet.</summary>
    private IEnumerable<string> TypeChoices => _query.Type is { } type && !_types.Contains(type) ? _types.Append(type) : _types;

    protected override async Task OnInitializedAsync()
    {
        // The same capability table the OperateBilling policy is built from; the service checks again.
        _actor = StaffClaims.ToActor((await AuthenticationState).User);
        _canOperate = _actor.Can(StaffCapability.OperateBilling);
        try
        {
            _types = await Billing.ListEventTypesAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogError(ex, "Could not list Stripe event types");
            _types = BillingService.HandledTypes;
        }
    }

    protected override Task OnParametersSetAsync() => ShowUriAsync();

    private async Task ShowUriAsync()
    {
        // Load only when the URL really changed (not on a re-render).
        if (Navigation.Uri == _loadedUri)
        {
            return;
        }

        var uri = _loadedUri = Navigation.Uri;
        var parsed = WebhookEventsUrl.Parse(uri);
        _query = parsed.Query;
        if (parsed.Notices.Count > 0)
        {
            _notices.Clear();
            _notices.AddRange(parsed.Notices);
        }

        await LoadAsync();

        // After the load, which may also have refused the link's page position and cleaned the
        // link up already: one clean-up, not two (on the server a navigation completes later,
        // so a first one would come back as a second load of the refused cursor).
        if (parsed.Notices.Count > 0 && _loadedUri == uri)
        {
            CleanUpLink();
        }
    }

    /// <summary>Shows the link as what is actually displayed, so copying it again is clean.</summary>
    private void CleanUpLink()
    {
        // Not while prerendering: a navigation there is a redirect and would lose the notices.
        if (RendererInfo.IsInteractive)
        {
            var clean = WebhookEventsUrl.Format(_query);
            _loadedUri = Navigation.ToAbsoluteUri(clean).ToString();
            Navigation.NavigateTo(clean, replace: true);
        }
    }

    private async Task LoadAsync()
    {
        if (_loadCancellation is not null)
        {
            await _loadCancellation.CancelAsync();
            _loadCancellation.Dispose();
        }

        var cancellation = _loadCancellation = new CancellationTokenSource();
        var token = cancellation.Token;
        var query = _query;
        _loading = true;
        _error = null;
        StateHasChanged();

        try
        {
            var page = Billing.BrowseEventsAsync(query, token);
            var counts = Billing.CountAttentionAsync(token);
            await Task.WhenAll(page, counts);
            _page = page.Result;
            _counts = counts.Result;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // A newer load replaced this one; it renders its own result.
            return;
        }
        catch (ArgumentException) when (query.Page.Kind is PageKind.After or PageKind.Before)
        {
            // The cursor in the link is not one the service made: show the first page instead.
            _notices.Add(WebhookEventsUrl.InvalidPageNotice);

            _query = query with { Page = PageRequest.First };
            CleanUpLink();
            await LoadAsync();
            return;
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "Webhook event query failed for {Query}", query);
            _error = ex.Message;
            _page = null;
        }

        if (cancellation == _loadCancellation)
        {
            _loading = false;
        }
    }

    private Task ReloadAsync() => LoadAsync();

    private void OnTypeChanged(string? value) =>
        Show(_query with { Type = value is null or Any ? null : value, Page = PageRequest.First });

    private void OnSearchChanged(string? value) =>
        Show(_query with { Search = string.IsNullOrWhiteSpace(value) ? null : value.Trim(), Page = PageRequest.First });

    private void OnStateChanged(string? value) =>
        Show(_query with { State = WebhookEventStates.TryParseSlug(value, out var state) ? state : null, Page = PageRequest.First });

    private void FilterByAttention(StripeEventState state) =>
        Show(_query with { State = _query.State == state ? null : state, Page = PageRequest.First });

    private void ClearFilters() => Show(new StripeEventQuery());

    private void GoTo(PageRequest page) => Show(_query with { Page = page });

    private void Show(StripeEventQuery query)
    {
        _notices.Clear();
        Navigation.NavigateTo(WebhookEventsUrl.Format(query));
    }

    private async Task ShowPayloadAsync(StripeEventSummary item)
    {
        var parameters = new DialogParameters<EventPayloadDialog> { { d => d.Event, item } };
        await DialogService.ShowAsync<EventPayloadDialog>($"Payload of {item.Id}", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true });
    }

    private async Task ReplayAsync(StripeEventSummary item)
    {
        var parameters = new DialogParameters<ReplayEventDialog> { { d => d.Event, item }, { d => d.Actor, _actor! } };
        var dialog = await DialogService.ShowAsync<ReplayEventDialog>("Replay event", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        switch (result?.Data)
        {
            case ReplayEventDialog.Outcome.Replayed when !result.Canceled:
                // What the service just did; the processor takes it from here.
                Replace(item, item with { State = StripeEventState.Pending, Attempts = 0, Outcome = $"Replayed by {_actor!.Name}." });
                Snackbar.Add($"Event {item.Id} is queued again; the processor applies it shortly.", Severity.Success);
                await RefreshCountsAsync();
                break;
            case ReplayEventDialog.Outcome.Outdated:
                // Someone else changed the event: show what it is now.
                await LoadAsync();
                break;
        }
    }

    private async Task LinkCustomerAsync(StripeEventSummary item)
    {
        var parameters = new DialogParameters<LinkParkedCustomerDialog> { { d => d.CustomerId, item.CustomerId! }, { d => d.Actor, _actor! } };
        var dialog = await DialogService.ShowAsync<LinkParkedCustomerDialog>("Link customer", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: int requeued })
        {
            Snackbar.Add(
                $"Customer {item.CustomerId} linked; {requeued} parked event{(requeued == 1 ? " was" : "s were")} re-queued.",
                Severity.Success);
            await LoadAsync();
        }
    }

    private void Replace(StripeEventSummary old, StripeEventSummary updated)
    {
        if (_page is null)
        {
            return;
        }

        var items = _page.Items.Select(e => e.Id == old.Id ? updated : e).ToList();
        _page = _page with { Items = items };
    }

    private async Task RefreshCountsAsync()
    {
        try
        {
            _counts = await Billing.CountAttentionAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogWarning(ex, "Could not refresh the webhook event counts");
        }
    }

    private static string TypeText(string? value) => value is null or Any ? "Any type" : value;

    private static string StateText(string? value) =>
        WebhookEventStates.TryParseSlug(value, out var state) ? state.ToLabel() : "Any state";

    public void Dispose()
    {
        _loadCancellation?.Cancel();
        _loadCancellation?.Dispose();
    }

    /// <summary>A time to the second that wraps, if it must, only between its date and its time of day.</summary>
    private static RenderFragment WrappingTime(DateTime utc) => builder =>
    {
        var text = TimeText.UtcSeconds(utc);
        var split = text.IndexOf(' ', StringComparison.Ordinal);
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "style", "white-space: nowrap");
        builder.AddContent(2, text[..split]);
        builder.CloseElement();
        builder.AddContent(3, " ");
        builder.OpenElement(4, "span");
        builder.AddAttribute(5, "style", "white-space: nowrap");
        builder.AddContent(6, text[(split + 1)..]);
        builder.CloseElement();
    };
}
