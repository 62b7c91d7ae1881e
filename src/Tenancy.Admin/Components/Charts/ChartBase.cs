using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Tenancy.Admin.Components.Charts;

/// <summary>
/// What the portal's charts share: one element ApexCharts draws into through
/// <c>wwwroot/charts.js</c>, the options and series sent only when they differ from what the
/// browser already draws (only the series: one <c>updateSeries</c> call; anything else: one
/// <c>update</c>), and one teardown however often and whenever it is asked for.
/// </summary>
/// <remarks>
/// The browser keeps the chart's size in step with its box itself (a <c>ResizeObserver</c> in
/// charts.js), so a resize costs no round trip. The teardown (<see cref="DisposeAsync"/>) is one
/// task: a second call awaits the same one, and once the circuit is gone it ends quietly, since
/// the page and its chart went with it.
/// </remarks>
public abstract class ChartBase : ComponentBase, IAsyncDisposable
{
    internal const string ModulePath = "./charts.js";

    /// <summary>camelCase as ApexCharts names its options; a null property is left out (ApexCharts' default applies), a null value in a list is kept (a gap).</summary>
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>How long the teardown waits for the browser to destroy the chart.</summary>
    internal static readonly TimeSpan TeardownTimeout = TimeSpan.FromSeconds(3);

    private Task<IJSObjectReference>? _module;
    private IDisposable? _self;
    private Drawing? _drawn;
    private Task? _teardown;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    /// <summary>The element ApexCharts owns; rendered by the derived component with <c>@ref</c>.</summary>
    protected ElementReference Element;

    /// <summary>False: nothing to draw (the component shows its empty text, and no script is loaded).</summary>
    protected abstract bool HasData { get; }

    /// <summary>The chart's options without its series, as built for the current parameters.</summary>
    protected abstract JsonElement Options { get; }

    /// <summary>The chart's series, as built for the current parameters.</summary>
    protected abstract JsonElement SeriesJson { get; }

    /// <summary>The reference charts.js calls back (clicks): <c>DotNetObjectReference.Create(this)</c>.</summary>
    protected abstract IDisposable CreateSelfReference();

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        var wanted = HasData ? new Drawing(Options, SeriesJson) : null;
        if (_teardown is not null || Drawing.Same(wanted, _drawn))
        {
            return;
        }

        // Recorded before the first await: a render while the call is on its way must not repeat it.
        var previous = _drawn;
        _drawn = wanted;
        try
        {
            var module = await (_module ??= JS.InvokeAsync<IJSObjectReference>("import", ModulePath).AsTask());
            if (_teardown is not null)
            {
                return;
            }

            if (wanted is null)
            {
                await module.InvokeVoidAsync("destroy", Element);
            }
            else if (previous is null)
            {
                await module.InvokeVoidAsync("render", Element, wanted.Options, wanted.Series, _self ??= CreateSelfReference());
            }
            else if (JsonElement.DeepEquals(previous.Options, wanted.Options))
            {
                await module.InvokeVoidAsync("updateSeries", Element, wanted.Series);
            }
            else
            {
                await module.InvokeVoidAsync("update", Element, wanted.Options, wanted.Series);
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit went while the chart was being drawn: nothing is left to draw on.
        }
        catch (OperationCanceledException) when (_teardown is not null)
        {
            // The call timed out after the component was disposed: the page is gone.
        }
    }

    /// <summary>Destroys the chart in the browser and lets go of the module; safe to call again, and after the circuit is gone.</summary>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return new ValueTask(_teardown ??= TeardownAsync());
    }

    private async Task TeardownAsync()
    {
        // A page closed in the browser ends its circuit while the connection may still look open:
        // a call sent then is never answered, and the circuit would wait for the interop timeout
        // (a minute) before it lets go. A live page answers within milliseconds.
        using var bounded = new CancellationTokenSource(TeardownTimeout);
        try
        {
            if (_module is not null)
            {
                var module = await _module.WaitAsync(bounded.Token);
                await module.InvokeVoidAsync("destroy", bounded.Token, Element);
                await module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the page with its chart.
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested)
        {
            // No answer: the page went away with the circuit (see above).
        }
        finally
        {
            _self?.Dispose();
        }
    }

    private sealed record Drawing(JsonElement Options, JsonElement Series)
    {
        public static bool Same(Drawing? a, Drawing? b) =>
            a is not null && b is not null
                ? JsonElement.DeepEquals(a.Options, b.Options) && JsonElement.DeepEquals(a.Series, b.Series)
                : a is null && b is null;
    }
}
