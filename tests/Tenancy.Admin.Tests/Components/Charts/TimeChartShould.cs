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
        var chart = RenderChart(limits: [new ChartLimit(20, "Quota 20")]);

        var render = Drawn(chart, "render");
        render.Arguments[0].ShouldBeElementReferenceTo(chart.Find("[data-testid=time-chart] > div[aria-hidden=true]"));
        var options = Assert.IsType<JsonElement>(render.Arguments[1]);
        Assert.Equal("bar", options.GetProperty("chart").GetProperty("type").GetString());
        Assert.True(options.GetProperty("chart").GetProperty("stacked").GetBoolean());
        Assert.Equal("datetime", options.GetProperty("xaxis").GetProperty("type").GetString());
        var (nine, ten, eleven) = (Ms(Hours[0]), Ms(Hours[1]), Ms(Hours[2]));
        Assert.Equal(
            $$"""[{"name":"Inserts","data":[[{{nine}},5],[{{ten}},0],[{{eleven}},12]]},{"name":"Deletes","data":[[{{nine}},1],[{{ten}},4],[{{eleven}},null]]}]""",
            Assert.IsType<JsonElement>(render.Arguments[2]).GetRawText());
        var limit = Assert.Single(options.GetProperty("annotations").GetProperty("yaxis").EnumerateArray());
        Assert.Equal(20, limit.GetProperty("y").GetDouble());
        Assert.Equal("Quota 20", limit.GetProperty("label").GetProperty("text").GetString());
        Assert.Equal("error", limit.GetProperty("tone").GetString());
        Assert.IsType<DotNetObjectReference<TimeChart>>(render.Arguments[3]);
    }

    [Fact]
    public async Task ReportTheClickedPointWithItsSeriesTimeAndValue()
    {
        ChartPoint? clicked = null;
        var chart = RenderChart(onClick: point => clicked = point);
        var render = Drawn(chart, "render");
        var fromBrowser = Assert.IsType<DotNetObjectReference<TimeChart>>(render.Arguments[3]);

        await chart.InvokeAsync(() => fromBrowser.Value.OnPointClicked(seriesIndex: 1, dataPointIndex: 1));

        Assert.Equal(new ChartPoint("Deletes", Nine.AddHours(1), 4), clicked);
        Assert.Equal(DateTimeKind.Utc, clicked!.Time.Kind);
    }

    [Fact]
    public void ListTheSameValuesInATableForScreenReaders()
    {
        var chart = RenderChart(limits: [new ChartLimit(20, "Quota")]);

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
    public void SendOnlyTheSeriesInOneCallWhenOnlyTheDataChanges()
    {
        var chart = RenderChart();
        chart.WaitForAssertion(() => _module.VerifyInvoke("render"), Wait);

        // Equal values in new lists: nothing to redraw.
        chart.Render(p => p.Add(c => c.Series, [new ChartSeries("Inserts", [5, 0, 12]), new ChartSeries("Deletes", [1, 4, null])]));
        Assert.Empty(_module.Invocations["updateSeries"]);
        Assert.Empty(_module.Invocations["update"]);

        // New values, and new times: still only data.
        var later = Hours.Select(h => h.AddHours(3)).ToArray();
        chart.Render(p => p.Add(c => c.Times, later).Add(c => c.Series, [new ChartSeries("Inserts", [5, 0, 13]), new ChartSeries("Deletes", [1, 4, null])]));
        var update = Drawn(chart, "updateSeries");
        Assert.Equal(2, update.Arguments.Count);
        var inserts = ((JsonElement)update.Arguments[1]!)[0];
        Assert.Equal($"[[{Ms(later[0])},5],[{Ms(later[1])},0],[{Ms(later[2])},13]]", inserts.GetProperty("data").GetRawText());
        Assert.Empty(_module.Invocations["update"]);

        // A new line across the chart is more than data: the options go too, in one call.
        chart.Render(p => p.Add(c => c.Limits, [new ChartLimit(30, "Quota")]));
        var full = Drawn(chart, "update");
        Assert.Equal(30, ((JsonElement)full.Arguments[1]!).GetProperty("annotations").GetProperty("yaxis")[0].GetProperty("y").GetDouble());
        Assert.Single(_module.Invocations["updateSeries"]);

        chart.Render(p => p.Add(c => c.Series, [new ChartSeries("Inserts", [null, null, null])]));
        chart.WaitForAssertion(() => _module.VerifyInvoke("destroy"), Wait);
        Assert.Single(_module.Invocations["render"]);
    }

    [Fact]
    public void DrawAQuotaAsStepsWithLinesAt80And100PercentAndMarkersForItsChanges()
    {
        var change = Nine.AddMinutes(90);
        var chart = Render<TimeChart>(p => p
            .Add(c => c.Title, "API requests per month")
            .Add(c => c.Kind, ChartKind.Lines)
            .Add(c => c.Unit, ChartUnit.Bytes)
            .Add(c => c.Times, Hours)
            .Add(c => c.Series,
            [
                new ChartSeries("Used this month", [100, 300, 600]),
                new ChartSeries("Quota", [500, 1_000, null]) { Shape = SeriesShape.Steps, Tone = ChartTone.Error, NullText = "unlimited" },
                new ChartSeries("Used per hour", [100, 200, 300]) { Shape = SeriesShape.Bars, OnSecondAxis = true },
            ])
            .Add(c => c.SecondAxisTitle, "Used per hour")
            .Add(c => c.Limits, [new ChartLimit(800, "80%") { Tone = ChartTone.Warning }, new ChartLimit(1_000, "Quota")])
            .Add(c => c.Markers, [new ChartMarker(change, "Ada Admin: 500 B → 1 KB")]));

        var render = Drawn(chart, "render");
        var options = Assert.IsType<JsonElement>(render.Arguments[1]);
        var series = Assert.IsType<JsonElement>(render.Arguments[2]);
        Assert.Equal("line", options.GetProperty("chart").GetProperty("type").GetString());
        Assert.Equal(["line", "line", "column"], series.EnumerateArray().Select(s => s.GetProperty("type").GetString()));
        Assert.Equal(["straight", "stepline", "straight"], options.GetProperty("stroke").GetProperty("curve").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal([2, 2, 0], options.GetProperty("stroke").GetProperty("width").EnumerateArray().Select(w => w.GetInt32()));
        Assert.Equal($"[[{Ms(Hours[0])},500],[{Ms(Hours[1])},1000],[{Ms(Hours[2])},null]]", series[1].GetProperty("data").GetRawText());
        var axes = options.GetProperty("yaxis");
        Assert.Equal(["Used this month", "Quota"], axes[0].GetProperty("seriesName").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["Used per hour"], axes[1].GetProperty("seriesName").EnumerateArray().Select(n => n.GetString()));
        Assert.True(axes[1].GetProperty("opposite").GetBoolean());
        Assert.Equal(
            [(800d, "80%", "warning"), (1_000d, "Quota", "error")],
            options.GetProperty("annotations").GetProperty("yaxis").EnumerateArray()
                .Select(a => (a.GetProperty("y").GetDouble(), a.GetProperty("label").GetProperty("text").GetString(), a.GetProperty("tone").GetString())));
        var marker = Assert.Single(options.GetProperty("annotations").GetProperty("xaxis").EnumerateArray());
        Assert.Equal(Ms(change), marker.GetProperty("x").GetInt64());
        Assert.Equal("Ada Admin: 500 B → 1 KB", marker.GetProperty("label").GetProperty("text").GetString());
        Assert.Equal("bytes", options.GetProperty("portal").GetProperty("unit").GetString());
        Assert.Equal(["no data", "unlimited", "no data"], options.GetProperty("portal").GetProperty("nullTexts").EnumerateArray().Select(t => t.GetString()));

        // Screen readers get the same: bytes in words, the quota's gap as "unlimited", the lines and the marker.
        var rows = chart.FindAll("[data-testid=time-chart-table] tbody tr").Select(tr => tr.Children.Select(c => c.TextContent).ToArray()).ToList();
        Assert.Equal(["2026-11-20 11:00 UTC", "600 B", "unlimited", "300 B"], rows[2]);
        Assert.Equal(["80%: 800 B", "Quota: 1 KB"], chart.FindAll("[data-testid=time-chart-limit]").Select(p => p.TextContent));
        Assert.Equal("2026-11-20 10:30 UTC: Ada Admin: 500 B → 1 KB", chart.Find("[data-testid=time-chart-markers] li").TextContent);
    }

    [Fact]
    public async Task DestroyTheChartOnceHoweverOftenItIsDisposed()
    {
        var chart = RenderChart();
        chart.WaitForAssertion(() => _module.VerifyInvoke("render"), Wait);

        await chart.Instance.DisposeAsync();
        await chart.Instance.DisposeAsync();

        Assert.Single(_module.Invocations["destroy"]);
    }

    [Fact]
    public async Task EndQuietlyWhenTheCircuitIsAlreadyGone()
    {
        _module.SetupVoid("destroy", _ => true).SetException(new JSDisconnectedException("The circuit is gone."));
        var chart = RenderChart();
        chart.WaitForAssertion(() => _module.VerifyInvoke("render"), Wait);

        var first = chart.Instance.DisposeAsync();
        var second = chart.Instance.DisposeAsync();

        await first;
        await second;
        Assert.Single(_module.Invocations["destroy"]);
    }

    private IRenderedComponent<TimeChart> RenderChart(
        IReadOnlyList<ChartSeries>? series = null, IReadOnlyList<ChartLimit>? limits = null, Action<ChartPoint>? onClick = null) =>
        Render<TimeChart>(p => p
            .Add(c => c.Title, "Changes per hour")
            .Add(c => c.Times, Hours)
            .Add(c => c.Series, series ?? Changes)
            .Add(c => c.Limits, limits ?? [])
            .Add(c => c.OnPointClick, onClick ?? (_ => { })));

    private static long Ms(DateTime utc) => new DateTimeOffset(utc).ToUnixTimeMilliseconds();

    /// <summary>The one call of <paramref name="function"/> on the chart module, once the component has made it.</summary>
    private JSRuntimeInvocation Drawn(IRenderedComponent<TimeChart> chart, string function)
    {
        chart.WaitForAssertion(() => _module.VerifyInvoke(function), Wait);
        return _module.VerifyInvoke(function);
    }
}
