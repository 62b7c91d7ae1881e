using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>The tenant page's Restore tab: window, change activity, moment picker, preview, history.</summary>
public sealed class TenantRestoreTab(IPage page) : PortalPage(page)
{
    public ILocator Window => Page.GetByTestId("restore-window");

    /// <summary>The chart's box; <c>data-total</c> is the number of changes in the period shown.</summary>
    public ILocator Activity => Page.GetByTestId("restore-activity");

    /// <summary>The chart's bars with a value (ApexCharts draws a path per period and series; only those with a value carry <c>val</c>).</summary>
    public ILocator Bars => Activity.Locator("path.apexcharts-bar-area[val]");

    public ILocator ReadOnlyNote => Page.GetByTestId("restore-read-only");

    public ILocator Moment => Page.GetByTestId("restore-moment");

    public ILocator PreviewButton => Page.GetByTestId("restore-preview-button");

    public ILocator Preview => Page.GetByTestId("restore-preview");

    /// <summary>A table's row in the preview ("projects").</summary>
    public ILocator PreviewRow(string table) => Page.Locator($"[data-testid=preview-row][data-table={table}]");

    public ILocator OpenDialogButton => Page.GetByTestId("restore-open-dialog");

    /// <summary>The history's rows, newest first; each has <c>data-state</c> (<c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c>) and <c>data-kind</c>.</summary>
    public ILocator Jobs => Page.GetByTestId("restore-job");

    public ILocator UndoButton => Page.GetByTestId("restore-undo");

    public ILocator Dialog => Page.GetByTestId("restore-dialog");

    public static async Task<TenantRestoreTab> OpenAsync(TenantPage tenant)
    {
        await tenant.Tab("Restore").ClickAsync();
        await Expect(tenant.Page).ToHaveURLAsync(new Regex("/tenants/[0-9a-f-]{36}/restore$"));
        var tab = new TenantRestoreTab(tenant.Page);
        await Expect(tab.Window).ToBeVisibleAsync();
        return tab;
    }

    /// <summary>Chooses the chart's period ("Last 2 hours, per minute").</summary>
    public async Task ShowPeriodAsync(string label)
    {
        await Page.GetByTestId("restore-range").ClickAsync();
        await Page.GetByRole(AriaRole.Listbox).GetByRole(AriaRole.Option, new() { Name = label, Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("restore-range").Locator("input").First).ToHaveValueAsync(label);
    }

    /// <summary>Types the slug and the reason into the open confirmation dialog and submits it.</summary>
    public async Task ConfirmAsync(string slug, string reason)
    {
        await Expect(Dialog).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("restore-submit")).ToBeDisabledAsync();
        await Page.GetByTestId("restore-slug").FillAsync(slug);
        await Page.GetByTestId("restore-reason").FillAsync(reason);
        await Page.GetByTestId("restore-submit").ClickAsync();
        await Expect(Dialog).ToBeHiddenAsync();
    }
}
