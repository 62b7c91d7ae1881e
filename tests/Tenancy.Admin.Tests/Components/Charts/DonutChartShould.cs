using System.Text.Json;
using Bunit;
using Microsoft.JSInterop;
using Tenancy.Admin.Components.Charts;
using Tenancy.Admin.Tests.Infrastructure;

namespace Tenancy.Admin.Tests.Components.Charts;

public sealed class DonutChartShould : PortalTestContext
{
    private static readonly DonutSlice[] Statuses =
    [
        new("Active", 10_234_567, "about 10.2 million tenants", "/tenants?status=active") { Tone = ChartTone.Success },
        new("Suspended", 73, "73 tenants", "/tenants?status=suspended") { Tone = ChartTone.Error },
        new("Deleted", 0, "0 tenants"),
    ];

    private readonly BunitJSModuleInterop _module;

    public DonutChartShould()
    {
        _module = JSInterop.SetupModule("./charts.js");
    }

    [Fact]
    public void DrawTheSlicesWithTheirValuesInWords()
    {
        var chart = RenderDonut(Statuses);

        chart.WaitForAssertion(() => _module.VerifyInvoke("render"), Wait);
        var render = _module.VerifyInvoke("render");
        var options = Assert.IsType<JsonElement>(render.Arguments[1]);
        Assert.Equal("donut", options.GetProperty("chart").GetProperty("type").GetString());
        Assert.Equal(["Active", "Suspended", "Deleted"], options.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("[10234567,73,0]", Assert.IsType<JsonElement>(render.Arguments[2]).GetRawText());
        var portal = options.GetProperty("portal");
        Assert.Equal(["about 10.2 million tenants", "73 tenants", "0 tenants"], portal.GetProperty("valueTexts").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal([true, true, false], portal.GetProperty("clickable").EnumerateArray().Select(c => c.GetBoolean()));
        Assert.Equal(
            [["Active", "about 10.2 million tenants"], ["Suspended", "73 tenants"], ["Deleted", "0 tenants"]],
            chart.FindAll("[data-testid=donut-chart-table] tbody tr").Select(tr => tr.Children.Select(c => c.TextContent).ToArray()));
    }

    [Fact]
    public async Task OpenTheAddressOfTheClickedSlice()
    {
        var chart = RenderDonut(Statuses);
        chart.WaitForAssertion(() => _module.VerifyInvoke("render"), Wait);
        var fromBrowser = Assert.IsType<DotNetObjectReference<DonutChart>>(_module.VerifyInvoke("render").Arguments[3]);

        await chart.InvokeAsync(() => fromBrowser.Value.OnSliceClicked(1));
        Assert.EndsWith("/tenants?status=suspended", Navigation.Uri, StringComparison.Ordinal);

        await chart.InvokeAsync(() => fromBrowser.Value.OnSliceClicked(2)); // no address: stays
        Assert.EndsWith("/tenants?status=suspended", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void ShowTheEmptyTextWithoutAValue()
    {
        var chart = RenderDonut([new DonutSlice("Active", 0, "0 tenants")]);

        Assert.Equal("Nothing to show.", chart.Find("[data-testid=donut-chart-empty]").TextContent);
        JSInterop.VerifyNotInvoke("import");
    }

    private IRenderedComponent<DonutChart> RenderDonut(IReadOnlyList<DonutSlice> slices) =>
        Render<DonutChart>(p => p.Add(c => c.Title, "Tenants by status").Add(c => c.Slices, slices));
}
