using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Tenancy.Admin.Components.Charts;

/// <summary>
/// Values over time as stacked bars or lines, drawn in the browser by ApexCharts through
/// <c>wwwroot/charts.js</c>. The same values are listed in a visually hidden table, so screen
/// readers (and component tests) read the numbers rather than a picture. Without any value the
/// chart shows <see cref="EmptyText"/> and loads no script.
/// </summary>
/// <remarks>
/// The options are serialised here and sent again only when they differ from what the browser
/// already draws, so re-rendering the parent costs no redraw. Clicks come back through
/// <see cref="OnPointClicked"/> as <see cref="OnPointClick"/>.
/// </remarks>
public partial class TimeChart
{
    private const string ModulePath = "./charts.js";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private ElementReference _element;
    private Task<IJSObjectReference>? _module;
    private DotNetObjectReference<TimeChart>? _self;
    private JsonElement _options;
    private JsonElement? _drawn;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    /// <summary>What the chart shows, for screen readers (the hidden table's caption).</summary>
    [Parameter, EditorRequired]
    public string Title { get; set; } = "";

    /// <summary>The times on the x axis, in UTC, oldest first.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<DateTime> Times { get; set; } = [];

    /// <summary>The series, each with one value per entry of <see cref="Times"/>.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<ChartSeries> Series { get; set; } = [];

    [Parameter]
    public ChartKind Kind { get; set; } = ChartKind.StackedBars;

    /// <summary>A limit drawn as a horizontal line; the y axis stretches to show it.</summary>
    [Parameter]
    public ChartLimit? Limit { get; set; }

    /// <summary>The chart's height in pixels.</summary>
    [Parameter]
    public int Height { get; set; } = 300;

    /// <summary>False for stable screenshots. Animation is also off when the browser asks for reduced motion.</summary>
    [Parameter]
    public bool Animate { get; set; } = true;

    /// <summary>Shown instead of the chart when no series has a value.</summary>
    [Parameter]
    public string EmptyText { get; set; } = "No data for this period.";

    /// <summary>Staff clicked a bar, or a line near a point.</summary>
    [Parameter]
    public EventCallback<ChartPoint> OnPointClick { get; set; }

    private bool HasData => Times.Count > 0 && Series.Any(s => s.Values.Any(v => v is not null));

    protected override void OnParametersSet()
    {
        if (Series.FirstOrDefault(s => s.Values.Count != Times.Count) is { } uneven)
        {
            throw new ArgumentException($"Series '{uneven.Name}' has {uneven.Values.Count} values for {Times.Count} times.", nameof(Series));
        }

        _options = JsonSerializer.SerializeToElement(new
        {
            Chart = new
            {
                Type = Kind == ChartKind.Lines ? "line" : "bar",
                Height,
                Stacked = Kind == ChartKind.StackedBars,
                Animations = new { Enabled = Animate },
            },
            Series = Series.Select(s => new { s.Name, Data = s.Values }),
            Xaxis = new { Type = "datetime", Categories = Times.Select(t => new DateTimeOffset(AsUtc(t)).ToUnixTimeMilliseconds()) },
            // Counts and usage start from nothing: an axis starting above zero would exaggerate changes.
            Yaxis = new { Min = 0 },
            // Always sent, even empty: an update must remove a limit that is gone.
            Annotations = new { Yaxis = Limit is { } limit ? [new { Y = limit.Value, Label = new { Text = limit.Label } }] : Array.Empty<object>() },
            DataLabels = new { Enabled = false },
            // A smoothed line would show values between the points that nobody measured; an
            // outline around bars would draw a zero as a sliver.
            Stroke = new { Curve = "straight", Width = Kind == ChartKind.Lines ? 2 : 0 },
        }, Json);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        JsonElement? wanted = HasData ? _options : null;
        if (Same(wanted, _drawn))
        {
            return;
        }

        // Recorded before the first await: a render while the call is on its way must not repeat it.
        var previous = _drawn;
        _drawn = wanted;
        var module = await (_module ??= JS.InvokeAsync<IJSObjectReference>("import", ModulePath).AsTask());
        if (wanted is null)
        {
            await module.InvokeVoidAsync("destroy", _element);
        }
        else if (previous is null)
        {
            await module.InvokeVoidAsync("render", _element, wanted, _self ??= DotNetObjectReference.Create(this));
        }
        else
        {
            await module.InvokeVoidAsync("update", _element, wanted);
        }
    }

    /// <summary>Called by <c>charts.js</c> with the indexes ApexCharts reports for a click.</summary>
    [JSInvokable]
    public Task OnPointClicked(int seriesIndex, int dataPointIndex)
    {
        // Indexes outside the current data come from a chart drawn before the data changed.
        if (seriesIndex < 0 || seriesIndex >= Series.Count || dataPointIndex < 0 || dataPointIndex >= Times.Count)
        {
            return Task.CompletedTask;
        }

        var series = Series[seriesIndex];
        return OnPointClick.InvokeAsync(new ChartPoint(series.Name, AsUtc(Times[dataPointIndex]), series.Values[dataPointIndex]));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_module is not null)
            {
                var module = await _module;
                await module.InvokeVoidAsync("destroy", _element);
                await module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the page with its chart.
        }

        _self?.Dispose();
    }

    private static bool Same(JsonElement? a, JsonElement? b) =>
        a is { } x && b is { } y ? JsonElement.DeepEquals(x, y) : a is null && b is null;

    private static string NumberText(double? value) =>
        value?.ToString("#,0.##", CultureInfo.InvariantCulture) ?? "no data";

    // The portal's times are UTC; one without a kind is taken as UTC, as EF Core reads them back.
    private static DateTime AsUtc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
