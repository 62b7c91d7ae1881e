using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Tenancy.Core.Features.Quotas;

namespace Tenancy.Admin.Components.Charts;

/// <summary>
/// Values over time as stacked bars, or as lines, stepped lines and bars together, drawn in the
/// browser by ApexCharts through <c>wwwroot/charts.js</c>; with horizontal lines across it
/// (<see cref="Limits"/>: a quota and its 80 %) and vertical markers (<see cref="Markers"/>: who
/// changed the quota). The same values are listed in a visually hidden table, so screen readers
/// (and component tests) read the numbers rather than a picture. Without any value the chart
/// shows <see cref="EmptyText"/> and loads no script.
/// </summary>
/// <remarks>
/// Points travel as [time, value] pairs, so a change of values or times only is one
/// <c>updateSeries</c> call in the browser; re-rendering the parent with equal values costs
/// nothing (<see cref="ChartBase"/>). Clicks come back through <see cref="OnPointClicked"/> as
/// <see cref="OnPointClick"/>.
/// </remarks>
public partial class TimeChart : ChartBase
{
    private JsonElement _options;
    private JsonElement _series;

    /// <summary>What the chart shows: the hidden table's caption and, with <see cref="ShowTitle"/>, a visible caption.</summary>
    [Parameter, EditorRequired]
    public string Title { get; set; } = "";

    /// <summary>Shows <see cref="Title"/> above the chart (leave it off where a card header already names the chart).</summary>
    [Parameter]
    public bool ShowTitle { get; set; }

    /// <summary>The times on the x axis, in UTC, oldest first.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<DateTime> Times { get; set; } = [];

    /// <summary>The series, each with one value per entry of <see cref="Times"/>.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<ChartSeries> Series { get; set; } = [];

    [Parameter]
    public ChartKind Kind { get; set; } = ChartKind.StackedBars;

    /// <summary>The values' unit, for the axes, the tooltips and the hidden table.</summary>
    [Parameter]
    public ChartUnit Unit { get; set; } = ChartUnit.Count;

    /// <summary>Horizontal lines across the chart (a limit, a warning level); the y axis stretches to show them.</summary>
    [Parameter]
    public IReadOnlyList<ChartLimit> Limits { get; set; } = [];

    /// <summary>Vertical lines at moments something happened (a quota change), labelled.</summary>
    [Parameter]
    public IReadOnlyList<ChartMarker> Markers { get; set; } = [];

    /// <summary>The second axis's title, when a series is on it ("per hour").</summary>
    [Parameter]
    public string? SecondAxisTitle { get; set; }

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

    protected override bool HasData => Times.Count > 0 && Series.Any(s => s.Values.Any(v => v is not null));

    protected override JsonElement Options => _options;

    protected override JsonElement SeriesJson => _series;

    protected override IDisposable CreateSelfReference() => DotNetObjectReference.Create(this);

    protected override void OnParametersSet()
    {
        if (Series.FirstOrDefault(s => s.Values.Count != Times.Count) is { } uneven)
        {
            throw new ArgumentException($"Series '{uneven.Name}' has {uneven.Values.Count} values for {Times.Count} times.", nameof(Series));
        }

        var times = Times.Select(t => new DateTimeOffset(AsUtc(t)).ToUnixTimeMilliseconds()).ToArray();
        _series = JsonSerializer.SerializeToElement(Series.Select(s => new
        {
            s.Name,
            // ApexCharts draws a mixed chart from each series' own type.
            Type = Kind == ChartKind.StackedBars ? null : s.Shape switch { SeriesShape.Bars => "column", SeriesShape.Area => "area", _ => "line" },
            Data = s.Values.Select((v, i) => new object?[] { times[i], v }),
        }), Json);

        var lines = Kind == ChartKind.Lines;
        var second = Series.Where(s => s.OnSecondAxis).Select(s => s.Name).ToArray();
        object yaxis = second.Length == 0
            // Counts and usage start from nothing: an axis starting above zero would exaggerate changes.
            ? new { Min = 0 }
            : new object[]
            {
                new { SeriesName = Series.Where(s => !s.OnSecondAxis).Select(s => s.Name).ToArray(), Min = 0 },
                new { SeriesName = second, Min = 0, Opposite = true, Title = new { Text = SecondAxisTitle } },
            };
        _options = JsonSerializer.SerializeToElement(new
        {
            Chart = new
            {
                Type = lines ? "line" : "bar",
                Height,
                Stacked = Kind == ChartKind.StackedBars,
                Animations = new { Enabled = Animate },
            },
            // A marker after the last point (a change within the current hour) stretches the axis, or ApexCharts would leave it out.
            Xaxis = new { Type = "datetime", Max = Markers.Count > 0 && times.Length > 0 && Markers.Max(m => AsUtc(m.At)) is var last && last > AsUtc(Times[^1]) ? new DateTimeOffset(last).ToUnixTimeMilliseconds() : (long?)null },
            Yaxis = yaxis,
            // Always sent, even empty: an update must remove lines that are gone.
            Annotations = new
            {
                Yaxis = Limits.Select(l => new { Y = l.Value, Label = new { Text = l.Label }, Tone = ToneName(l.Tone) }),
                Xaxis = Markers.Select(m => new { X = new DateTimeOffset(AsUtc(m.At)).ToUnixTimeMilliseconds(), Label = new { Text = m.Label } }),
            },
            DataLabels = new { Enabled = false },
            // A smoothed line would show values between the points that nobody measured; an
            // outline around bars would draw a zero as a sliver.
            Stroke = new
            {
                Curve = Series.Select(s => s.Shape == SeriesShape.Steps ? "stepline" : "straight"),
                Width = Series.Select(s => !lines || s.Shape is SeriesShape.Bars or SeriesShape.Area ? 0 : 2),
            },
            Fill = new
            {
                Type = Series.Select(_ => "solid"),
                Opacity = Series.Select(s => !lines ? 1 : s.Shape switch { SeriesShape.Bars => 0.35, SeriesShape.Area => 0.2, _ => 1 }),
            },
            // A line with one or two measured points would draw nothing visible: those get dots.
            Markers = new { Size = Series.Select(s => lines && s.Shape is SeriesShape.Default or SeriesShape.Line or SeriesShape.Steps && s.Values.Count(v => v is not null) <= 2 ? 4 : 0) },
            Portal = new
            {
                Kind = "time",
                Unit = Unit == ChartUnit.Bytes ? "bytes" : "count",
                Tones = Series.Select(s => ToneName(s.Tone)),
                NullTexts = Series.Select(s => s.NullText),
            },
        }, Json);
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

    internal static string? ToneName(ChartTone tone) => tone == ChartTone.Auto ? null : tone.ToString().ToLowerInvariant();

    private string ValueText(ChartSeries series, double? value) => value is not { } v
        ? series.NullText
        : Unit == ChartUnit.Bytes ? QuotaFormat.Bytes((long)v) : v.ToString("#,0.##", CultureInfo.InvariantCulture);

    private string LimitText(double value) =>
        Unit == ChartUnit.Bytes ? QuotaFormat.Bytes((long)value) : value.ToString("#,0.##", CultureInfo.InvariantCulture);

    // The portal's times are UTC; one without a kind is taken as UTC, as EF Core reads them back.
    private static DateTime AsUtc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
