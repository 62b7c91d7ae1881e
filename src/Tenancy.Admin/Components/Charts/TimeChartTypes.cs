namespace Tenancy.Admin.Components.Charts;

/// <summary>How a <see cref="TimeChart"/> draws its series.</summary>
public enum ChartKind
{
    /// <summary>One column per time, the series stacked in it (for example inserts, updates and deletes per hour).</summary>
    StackedBars,

    /// <summary>One line per series (for example usage per day).</summary>
    Lines,
}

/// <summary>
/// A named series of values, one per time of the chart, in the same order. A null value means
/// nothing was measured at that time, which is not the same as zero: it is drawn as a gap and
/// listed as "no data".
/// </summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double?> Values);

/// <summary>A horizontal line across the chart at <paramref name="Value"/>, such as a quota limit, labelled <paramref name="Label"/>.</summary>
public sealed record ChartLimit(double Value, string Label);

/// <summary>A point staff clicked: the series it belongs to, its time (UTC) and its value.</summary>
public sealed record ChartPoint(string Series, DateTime Time, double? Value);
