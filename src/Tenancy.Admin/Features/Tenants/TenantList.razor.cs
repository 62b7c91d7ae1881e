using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;
using SortDirection = Tenancy.Core.Features.Tenants.SortDirection;
using TenantPage = Tenancy.Core.Features.Tenants.TenantPage;

namespace Tenancy.Admin.Features.Tenants;

/// <summary>
/// The tenant list. All state lives in the URL (<see cref="TenantListUrl"/>): every change
/// navigates, and the page loads whatever the URL says, so links, back/forward and reloads
/// all reproduce the view. Each load cancels the one it replaces.
/// </summary>
public partial class TenantList
{
    /// <summary>
    /// How long typing pauses before the list searches: long enough that a word typed at speed is
    /// one query, short enough that the rows follow the last key within a third of a second.
    /// </summary>
    internal const int SearchDebounceMilliseconds = 150;

    /// <summary>
    /// Another page of the same list shows "loading" only when it takes longer than this: most
    /// pages answer in a few milliseconds, and an indicator that flashes for them costs a render
    /// and a round trip for nothing.
    /// </summary>
    internal static readonly TimeSpan PageLoadingIndicatorDelay = TimeSpan.FromMilliseconds(120);

    private readonly List<string> _notices = [];
    private IReadOnlyList<Plan> _plans = [];
    private TenantQuery _query = TenantListUrl.Default;
    private string? _loadedUri;
    private string? _searchText;
    private string? _searchError;
    private bool _jumpOnExactMatch;
    private bool _loading;
    private string? _error;
    private TenantPage? _page;
    private TenantCount? _count;

    private string ExportTitle => $"This view as CSV: search, filters and sort as shown, at most {ExportOptions.Value.MaxRows:N0} rows";
    private TenantExactMatch? _exactMatch;
    private TenantQuery? _shownQuery;
    private CancellationTokenSource? _loadCancellation;

    /// <summary>URLs <see cref="ShowAsync"/> navigated to whose change the router has not reported yet, oldest first.</summary>
    private readonly Queue<string> _ownNavigations = new();

    /// <summary>True once: the parameters just set are those of the URL on screen.</summary>
    private bool _unchangedParameters;

    // Query parameters are declared so that the router re-renders this page when only the
    // query string changes (a page without parameters is not updated on same-page navigation).
    // The values are read through TenantListUrl.Parse, which also reports what it ignores.
#pragma warning disable IDE0051, CS0169 // Set by the framework; read via Navigation.Uri.
    [SupplyParameterFromQuery(Name = "q")] private string? QueryQ { get; set; }
    [SupplyParameterFromQuery(Name = "status")] private string? QueryStatus { get; set; }
    [SupplyParameterFromQuery(Name = "plan")] private string? QueryPlan { get; set; }
    [SupplyParameterFromQuery(Name = "region")] private string? QueryRegion { get; set; }
    [SupplyParameterFromQuery(Name = "deleted")] private string? QueryDeleted { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] private string? QuerySort { get; set; }
    [SupplyParameterFromQuery(Name = "dir")] private string? QueryDir { get; set; }
    [SupplyParameterFromQuery(Name = "size")] private string? QuerySize { get; set; }
    [SupplyParameterFromQuery(Name = "after")] private string? QueryAfter { get; set; }
    [SupplyParameterFromQuery(Name = "before")] private string? QueryBefore { get; set; }
    [SupplyParameterFromQuery(Name = "page")] private string? QueryPage { get; set; }
#pragma warning restore IDE0051, CS0169

    private bool HasFilters => _query.SearchTerm is not null || _query.Status is not null || _query.PlanId is not null || _query.Region is not null
        || !_query.HideDeleted;

    private bool CanGoBack => _page?.HasPrevious == true && !_loading;

    private bool CanGoForward => _page?.HasNext == true && !_loading;

    private string? SearchHelperText => _searchText is { Length: > 0 } text && text.Trim().Length < TenantQuery.MinSubstringLength
        ? $"Type at least {TenantQuery.MinSubstringLength} characters to search names, slugs and emails; exact slugs and ids match already."
        : null;

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _plans = await Catalog.ListPlansAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogError(ex, "Could not load plans");
            _error = "the plan list could not be read (" + ex.Message + ").";
        }
    }

    protected override Task OnParametersSetAsync() => ShowUriAsync();

    private Task ShowUriAsync()
    {
        // A URL this list navigated to itself, reported by the browser after the list has already
        // moved on (typing past the debounce twice): what it asked for is on screen or loading.
        // Loading it would show an older search, and put its text in the box under the cursor.
        var own = _ownNavigations.Contains(Navigation.Uri);
        if (own)
        {
            // Reports come in order: the ones queued before this one will not come any more.
            while (_ownNavigations.Dequeue() != Navigation.Uri)
            {
            }
        }

        // Load only when the URL really changed (a re-render, or the list's own clean-up of a link, does not).
        if (own || Navigation.Uri == _loadedUri)
        {
            // Nothing to show that is not on screen already (ShowAsync loaded this URL before the
            // router passed it on): skip the render the new parameters would cause.
            _unchangedParameters = true;
            return Task.CompletedTask;
        }

        return LoadUriAsync();
    }

    protected override bool ShouldRender()
    {
        var unchanged = _unchangedParameters;
        _unchangedParameters = false;
        return !unchanged;
    }

    private async Task LoadUriAsync()
    {
        _loadedUri = Navigation.Uri;
        var parsed = TenantListUrl.Parse(Navigation.Uri, _plans.Select(p => p.Id).ToHashSet());
        _query = parsed.Query;
        if (parsed.Notices.Count > 0)
        {
            _notices.Clear();
            _notices.AddRange(parsed.Notices);
            if (RendererInfo.IsInteractive)
            {
                // Show the link as what is actually displayed, so copying it again is clean.
                // (Not while prerendering: a navigation there would be a redirect and lose the notices.)
                NavigateToOwn(TenantListUrl.Format(_query), replace: true);
            }
        }

        // Show the URL's search in the box when it says something else (a link, back/forward),
        // but leave the box alone when the URL is just the trimmed form of what is being typed:
        // replacing "quantum " with "quantum" would eat the space before the next word.
        var typed = string.IsNullOrWhiteSpace(_searchText) ? null : _searchText.Trim();
        if (_searchError is null && typed != _query.SearchTerm)
        {
            _searchText = _query.Search;
        }

        ListReturn.Url = TenantListUrl.Format(_query);
        await LoadAsync();
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
        var jump = _jumpOnExactMatch;
        _jumpOnExactMatch = false;
        _error = null;
        var sameList = IsSameList(_shownQuery, query) && _count is not null;
        if (!sameList)
        {
            // Another search, filter or sort: the rows and count on screen answer the old question.
            // Show that the new one is loading rather than the old rows under the new search box.
            _page = null;
            _count = null;
            _exactMatch = null;
            _shownQuery = null;
        }

        try
        {
            // Another page of the same list: its rows alone first, under the count on screen; the
            // count and the exact match are read again once the rows are shown (below), off their path.
            var page = Catalog.BrowseAsync(query, token);
            var summary = sameList ? null : ReadSummaryAsync(query, token);
            var first = summary is null ? page : Task.WhenAll(page, summary);
            _loading = true;
            if (!sameList || await Task.WhenAny(first, Task.Delay(PageLoadingIndicatorDelay, token)) != first)
            {
                StateHasChanged();
            }

            await first;
            token.ThrowIfCancellationRequested(); // a newer load answers now
            _page = page.Result;
            _shownQuery = query;
            if (summary is null)
            {
                _loading = false;
                StateHasChanged();
                summary = ReadSummaryAsync(query, token);
            }

            (_count, _exactMatch) = await summary;
            if (jump && _exactMatch is { Kind: ExactMatchKind.Id or ExactMatchKind.StripeCustomerId } match)
            {
                // An id is unambiguous: go straight to the tenant.
                Navigation.NavigateTo(TenantHref(match.Id));
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // A newer load replaced this one; it will render its own result.
            return;
        }
        catch (TenantQueryValidationException ex)
        {
            _error = ex.Message;
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "Tenant list query failed for {Query}", query);
            _error = ex.Message;
            _page = null;
            _count = null;
            _shownQuery = null;
        }

        if (cancellation == _loadCancellation)
        {
            _loading = false;
        }
    }

    private Task ReloadAsync() => LoadAsync();

    /// <summary>The count of the list and the tenant its search names exactly (if any).</summary>
    private async Task<(TenantCount Count, TenantExactMatch? Exact)> ReadSummaryAsync(TenantQuery query, CancellationToken token)
    {
        var count = Catalog.CountAsync(query, token);
        var exact = query.SearchTerm is { } term ? Catalog.FindExactAsync(term, token) : Task.FromResult<TenantExactMatch?>(null);
        return (await count, await exact);
    }

    /// <summary>True when two queries list the same rows and differ at most in the page shown.</summary>
    private static bool IsSameList(TenantQuery? shown, TenantQuery next) =>
        shown is not null && shown with { Page = PageRequest.First } == next with { Page = PageRequest.First };

    private Task OnSearchChanged(string? text)
    {
        _searchText = text;
        if (text is { Length: > TenantQuery.MaxSearchLength })
        {
            _searchError = $"Search text can be at most {TenantQuery.MaxSearchLength} characters (it has {text.Length}).";
            return Task.CompletedTask;
        }

        _searchError = null;
        var search = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (search == _query.SearchTerm)
        {
            return Task.CompletedTask;
        }

        _jumpOnExactMatch = true;
        return ShowAsync(_query with { Search = search, Page = PageRequest.First }, replace: true);
    }

    private void OnSearchKeyDown(KeyboardEventArgs args)
    {
        if (args.Key == "Enter" && _exactMatch is not null && _searchError is null
            && string.Equals(_searchText?.Trim(), _query.SearchTerm, StringComparison.Ordinal))
        {
            Navigation.NavigateTo(TenantHref(_exactMatch.Id));
        }
    }

    private Task OnStatusChanged(string? value) =>
        ShowAsync(_query with { Status = TenantStatusNames.TryParseSlug(value, out var status) ? status : null, Page = PageRequest.First });

    private Task OnPlanChanged(string? value) => ShowAsync(_query with { PlanId = value, Page = PageRequest.First });

    private Task OnRegionChanged(string? value) => ShowAsync(_query with { Region = value, Page = PageRequest.First });

    private Task OnIncludeDeletedChanged(bool include) => ShowAsync(_query with { HideDeleted = !include, Page = PageRequest.First });

    private Task OnPageSizeChanged(int size) => ShowAsync(_query with { PageSize = size, Page = PageRequest.First });

    private Task ClearFilters()
    {
        _searchText = null;
        _searchError = null;
        return ShowAsync(TenantListUrl.Default with { Sort = _query.Sort, Direction = _query.Direction, PageSize = _query.PageSize });
    }

    private Task SortBy(TenantSort sort)
    {
        var direction = _query.Sort == sort && _query.Direction == SortDirection.Ascending
            ? SortDirection.Descending
            : SortDirection.Ascending;
        return ShowAsync(_query with { Sort = sort, Direction = direction, Page = PageRequest.First });
    }

    private Task GoTo(PageRequest page) => ShowAsync(_query with { Page = page });

    /// <summary>
    /// Puts <paramref name="query"/> in the URL and loads it at once, beside the navigation, rather
    /// than after the navigation's round trip through the browser: when the router then hands this
    /// page the new URL, it is the one already loaded (<see cref="ShowUriAsync"/> skips it).
    /// </summary>
    private Task ShowAsync(TenantQuery query, bool replace = false)
    {
        _notices.Clear();
        var url = TenantListUrl.Format(query);
        _query = query;
        ListReturn.Url = url;
        NavigateToOwn(url, replace);
        return LoadAsync();
    }

    /// <summary>
    /// Navigates to a URL whose view this list shows already (or is loading): marked as loaded and
    /// remembered until the router reports it, so <see cref="ShowUriAsync"/> does not load it again.
    /// </summary>
    private void NavigateToOwn(string url, bool replace)
    {
        // As the browser will report it: escaped as written (Uri.ToString() would unescape it).
        _loadedUri = Navigation.ToAbsoluteUri(url).AbsoluteUri;
        _ownNavigations.Enqueue(_loadedUri);
        if (_ownNavigations.Count > 32)
        {
            _ownNavigations.Dequeue(); // a report that never came (the circuit lost one): forget it
        }

        Navigation.NavigateTo(url, replace: replace);
    }

    private void OnRowClick(TableRowClickEventArgs<TenantListItem> args)
    {
        if (args.Item is { } item)
        {
            Navigation.NavigateTo(TenantHref(item.Id));
        }
    }

    private string SortIcon(TenantSort sort) => _query.Sort != sort
        ? Icons.Material.Filled.UnfoldMore
        : _query.Direction == SortDirection.Ascending ? Icons.Material.Filled.ArrowUpward : Icons.Material.Filled.ArrowDownward;

    private string PlanName(string planId) => _plans.FirstOrDefault(p => p.Id == planId)?.Name ?? planId;

    internal static string TenantHref(Guid id) => TenantTabs.OverviewUrl(id);

    private static string ExactKindLabel(ExactMatchKind kind) => kind switch
    {
        ExactMatchKind.Id => "id",
        ExactMatchKind.StripeCustomerId => "Stripe customer id",
        _ => "slug",
    };

    public void Dispose()
    {
        _loadCancellation?.Cancel();
        _loadCancellation?.Dispose();
    }
}
