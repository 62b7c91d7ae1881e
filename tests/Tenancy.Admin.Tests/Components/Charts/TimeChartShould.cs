using System.Text.Json;
using Bunit;
using Microsoft.JSInterop;
using Tenancy.Admin.Components.Charts;
using Tenancy.Admin.Tests.Infrastructure;

namespace Tenancy.Admin.Tests.Components.Charts;

public sealed class TimeChartShould : PortalTestContext
{
    private static readonly DateTime Nine = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);

    private static readonly DateTime[] Hours = [Nine, Nine.AddHours(1), Nine.AddHours(2)];

    private static readonly ChartSeries[] Changes =
    [
        new("Inserts", [5, 0, 12]),
        new("Deletes", [1, 4, null]),
    ];

    private readonly BunitJSModuleInterop _module;

    public TimeChartShould()
    {
        _module = JSInterop.SetupModule("./charts.js");
    }

    [Fact]
    public void DrawTheSeriesItIsGiven()
    {
        var chart = RenderChart(limit: new ChartLimit(20, "Quota 20"));

        var render = Drawn(chart, "render");
        render.Arguments[0].ShouldBeElementReferenceTo(chart.Find("[data-testid=time-chart] > div[aria-hidden=true]"));
        var options = Assert.IsType<JsonElement>(render.Arguments[1]);
        Assert.Equal("bar", options.GetProperty("chart").GetProperty("type").GetString());
        Assert.True(options.GetProperty("chart").GetProperty("stacked").GetBoolean());
        Assert.Equal(
            """[{"name":"Inserts","data":[5,0,12]},{"name":"Deletes","data":[1,4,null]}]""",
            options.GetProperty("series").GetRawText());
        Assert.Equal(
            Hours.Select(h => new DateTimeOffset(h).ToUnixTimeMilliseconds()),
            options.GetProperty("xaxis").GetProperty("categories").EnumerateArray().Select(c => c.GetInt64()));
        var limit = Assert.Single(options.GetProperty("annotations").GetProperty("yaxis").EnumerateArray());
        Assert.Equal(20, limit.GetProperty("y").GetDouble());
        Assert.Equal("Quota 20", limit.GetProperty("label").GetProperty("text").GetString());
        Assert.IsType<DotNetObjectReference<TimeChart>>(render.Arguments[2]);
    }

    [Fact]
    public async Task ReportTheClickedPointWithItsSeriesTimeAndValue()
    {
        ChartPoint? clicked = null;
        var chart = RenderChart(onClick: point => clicked = point);
        var render = Drawn(chart, "render");
        var fromBrowser = Assert.IsType<DotNetObjectReference<TimeChart>>(render.Arguments[2]);

        await chart.InvokeAsync(() => fromBrowser.Value.OnPointClicked(seriesIndex: 1, dataPointIndex: 1));

        Assert.Equal(new ChartPoint("Deletes", Nine.AddHours(1), 4), clicked);
        Assert.Equal(DateTimeKind.Utc, clicked!.Time.Kind);
    }

    [Fact]
    public void ListTheSameValuesInATableForScreenReaders()
    {
        var chart = RenderChart(limit: new ChartLimit(20, "Quota"));

        var table = chart.Find("[data-testid=time-chart-table]");
        Assert.Equal("Changes per hour", table.QuerySelector("caption")!.TextContent);
        Assert.Equal(["Time (UTC)", "Inserts", "Deletes"], table.QuerySelectorAll("thead th").Select(th => th.TextContent));
        Assert.Equal(
            [
                ["2026-11-20 09:00 UTC", "5", "1"],
                ["2026-11-20 10:00 UTC", "0", "4"],
                ["2026-11-20 11:00 UTC", "12", "no data"],
            ],
            table.QuerySelectorAll("tbody tr").Select(tr => tr.Children.Select(cell => cell.TextContent).ToArray()));
        Assert.Equal("Quota: 20", chart.Find("[data-testid=time-chart-limit]").TextContent);
    }

    [Fact]
    public void ShowTheEmptyTextAndLoadNoScriptWithoutAValue()
    {
        var chart = RenderChart(series: [new ChartSeries("Inserts", [null, null, null])]);

        Assert.Equal("No data for this period.", chart.Find("[data-testid=time-chart-empty]").TextContent);
        Assert.Empty(chart.FindAll("[data-testid=time-chart-table]"));
        JSInterop.VerifyNotInvoke("import");
        Assert.Empty(_module.Invocations["render"]);
    }

    [Fact]
    public void RedrawOnlyWhenTheDataChanges()
    {
        var chart = RenderChart();
        chart.WaitForAssertion(() => _module.VerifyInvoke("render"), Wait);

        // Equal values in new lists: nothing to redraw.
        chart.Render(p => p.Add(c => c.Series, [new ChartSeries("Inserts", [5, 0, 12]), new ChartSeries("Deletes", [1, 4, null])]));
        Assert.Empty(_module.Invocations["update"]);

        chart.Render(p => p.Add(c => c.Series, [new ChartSeries("Inserts", [5, 0, 13])]));
        var update = Drawn(chart, "update");
        Assert.Equal("""[{"name":"Inserts","data":[5,0,13]}]""", ((JsonElement)update.Arguments[1]!).GetProperty("series").GetRawText());

        chart.Render(p => p.Add(c => c.Series, [new ChartSeries("Inserts", [null, null, null])]));
        chart.WaitForAssertion(() => _module.VerifyInvoke("destroy"), Wait);
        Assert.Single(_module.Invocations["render"]);
    }

    private IRenderedComponent<TimeChart> RenderChart(
        IReadOnlyList<ChartSeries>? series = null, ChartLimit? limit = null, Action<ChartPoint>? onClick = null) =>
        Render<TimeChart>(p => p
            .Add(c => c.Title, "Changes per hour")
            .Add(c => c.Times, Hours)
            .Add(c => c.Series, series ?? Changes)
            .Add(c => c.Limit, limit)
            .Add(c => c.OnPointClick, onClick ?? (_ => { })));

    /// <summary>The one call of <paramref name="function"/> on the chart module, once the component has made it.</summary>
    private JSRuntimeInvocation Drawn(IRenderedComponent<TimeChart> chart, string function)
    {
        chart.WaitForAssertion(() => _module.VerifyInvoke(function), Wait);
        return _module.VerifyInvoke(function);
    }
}
