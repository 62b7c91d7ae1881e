namespace Tenancy.Admin.Components.Charts;

/// <summary>How a <see cref="TimeChart"/> draws its series.</summary>
public enum ChartKind
{
    /// <summary>One column per time, the series stacked in it (for example inserts, updates and deletes per hour).</summary>
    StackedBars,

    /// <summary>One line per series (for example usage per day); a series may ask for steps or bars instead (<see cref="ChartSeries.Shape"/>).</summary>
    Lines,
}

/// <summary>How one series of a <see cref="ChartKind.Lines"/> chart is drawn.</summary>
public enum SeriesShape
{
    /// <summary>As the chart's kind draws it.</summary>
    Default,

    /// <summary>A straight line from point to point.</summary>
    Line,

    /// <summary>A stepped line: the value holds until the next point (a quota, a plan limit).</summary>
    Steps,

    /// <summary>Columns, behind the lines.</summary>
    Bars,

    /// <summary>A light filled area without an outline, behind the lines: many values close together (hundreds of hours), where columns or an outline would merge into a block.</summary>
    Area,
}

/// <summary>The unit of a chart's values, for its axis and tooltips: bytes read "250 GB", counts "12,345".</summary>
public enum ChartUnit
{
    Count,
    Bytes,
}

/// <summary>A colour of the portal's theme, for a series or a line across the chart.</summary>
public enum ChartTone
{
    /// <summary>The chart library's palette, in order.</summary>
    Auto,
    Primary,
    Secondary,
    Info,
    Success,
    Warning,
    Error,

    /// <summary>The secondary text colour: for context, such as the limit a value is held against.</summary>
    Neutral,
}

/// <summary>
/// A named series of values, one per time of the chart, in the same order. A null value means
/// nothing was measured at that time, which is not the same as zero: it is drawn as a gap and
/// listed as <see cref="NullText"/>.
/// </summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double?> Values)
{
    public SeriesShape Shape { get; init; }

    public ChartTone Tone { get; init; }

    /// <summary>On a second y axis, on the right (values of another scale, such as per-hour usage beside a month's total).</summary>
    public bool OnSecondAxis { get; init; }

    /// <summary>What a null value means for this series ("unlimited" for a quota).</summary>
    public string NullText { get; init; } = "no data";
}

/// <summary>A horizontal line across the chart at <paramref name="Value"/> (on the first axis), such as a quota limit, labelled <paramref name="Label"/>.</summary>
public sealed record ChartLimit(double Value, string Label)
{
    public ChartTone Tone { get; init; } = ChartTone.Error;
}

/// <summary>A vertical line at <paramref name="At"/> (UTC), labelled <paramref name="Label"/>: something that happened, such as a quota change.</summary>
public sealed record ChartMarker(DateTime At, string Label);

/// <summary>A point staff clicked: the series it belongs to, its time (UTC) and its value.</summary>
public sealed record ChartPoint(string Series, DateTime Time, double? Value);

/// <summary>One slice of a <see cref="DonutChart"/>: its label, its value, the value in words ("about 10.2 million") and where a click on it goes.</summary>
public sealed record DonutSlice(string Label, double Value, string ValueText, string? Href = null)
{
    public ChartTone Tone { get; init; }
}
