using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Tenancy.Admin.Components.Charts;

/// <summary>
/// Parts of a whole as a donut (tenants by status), drawn by ApexCharts through
/// <c>wwwroot/charts.js</c> like <see cref="TimeChart"/>: tooltips give each slice's value in
/// words (<see cref="DonutSlice.ValueText"/>, "about 10.2 million"), a click on a slice opens
/// its <see cref="DonutSlice.Href"/>, and a visually hidden table lists the same numbers.
/// </summary>
public partial class DonutChart : ChartBase
{
    private JsonElement _options;
    private JsonElement _series;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>What the chart shows: the hidden table's caption and, with <see cref="ShowTitle"/>, a visible caption.</summary>
    [Parameter, EditorRequired]
    public string Title { get; set; } = "";

    [Parameter]
    public bool ShowTitle { get; set; }

    [Parameter, EditorRequired]
    public IReadOnlyList<DonutSlice> Slices { get; set; } = [];

    /// <summary>The hidden table's column headers.</summary>
    [Parameter]
    public string LabelHeader { get; set; } = "Part";

    [Parameter]
    public string ValueHeader { get; set; } = "Value";

    /// <summary>The middle's label, above the total in words ("Tenants").</summary>
    [Parameter]
    public string? TotalLabel { get; set; }

    /// <summary>The total in words, shown in the middle ("about 10.2 million").</summary>
    [Parameter]
    public string? TotalText { get; set; }

    [Parameter]
    public int Height { get; set; } = 280;

    [Parameter]
    public bool Animate { get; set; } = true;

    [Parameter]
    public string EmptyText { get; set; } = "Nothing to show.";

    protected override bool HasData => Slices.Any(s => s.Value > 0);

    protected override JsonElement Options => _options;

    protected override JsonElement SeriesJson => _series;

    protected override IDisposable CreateSelfReference() => DotNetObjectReference.Create(this);

    protected override void OnParametersSet()
    {
        _series = JsonSerializer.SerializeToElement(Slices.Select(s => s.Value), Json);
        _options = JsonSerializer.SerializeToElement(new
        {
            Chart = new { Type = "donut", Height, Animations = new { Enabled = Animate } },
            Labels = Slices.Select(s => s.Label),
            DataLabels = new { Enabled = false },
            // The page lists the parts beside the donut (with links); a legend would repeat them.
            Legend = new { Show = false },
            Portal = new
            {
                Kind = "donut",
                Tones = Slices.Select(s => TimeChart.ToneName(s.Tone)),
                ValueTexts = Slices.Select(s => s.ValueText),
                TotalLabel,
                TotalText,
                Clickable = Slices.Select(s => s.Href is not null),
            },
        }, Json);
    }

    /// <summary>Called by <c>charts.js</c> when staff click a slice: opens the slice's address.</summary>
    [JSInvokable]
    public void OnSliceClicked(int index)
    {
        if (index >= 0 && index < Slices.Count && Slices[index].Href is { } href)
        {
            Navigation.NavigateTo(href);
        }
    }
}
