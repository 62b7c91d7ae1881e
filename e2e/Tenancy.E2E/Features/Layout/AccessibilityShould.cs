using Microsoft.Playwright;
using Tenancy.E2E.Accessibility;
using Tenancy.E2E.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Features.Layout;

/// <summary>
/// axe-core over the pages a support agent spends the day on, in light and dark: no serious or
/// critical violation (contrast, names, labels, landmarks). Lesser findings are written to the
/// test output.
/// </summary>
public sealed class AccessibilityShould(PortalFixture portal)
{
    public static TheoryData<string, string> Pages()
    {
        var target = TestTenants.Target.Id;
        string[] addresses =
        [
            "/signin",
            "/tenants",
            $"/tenants/{target}",
            $"/tenants/{target}/quotas",
            $"/tenants/{target}/billing",
            $"/tenants/{target}/audit",
            $"/tenants/{target}/restore",
            "/audit",
            "/billing/events",
        ];
        var pages = new TheoryData<string, string>();
        foreach (var address in addresses)
        {
            pages.Add(address, "light");
            pages.Add(address, "dark");
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task HaveNoSeriousOrCriticalViolations(string address, string scheme)
    {
        var signIn = address == "/signin";
        await using var session = await portal.NewSessionAsync(
            signedIn: !signIn, colorScheme: scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light, bypassCsp: true);
        var page = session.Page;
        await page.GotoAsync(address);
        await Expect(page.Locator("h1").First).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", scheme);
        if (!signIn)
        {
            await Expect(page.GetByTestId("circuit-ready")).ToBeAttachedAsync();
            await Expect(page.Locator(".mud-table[aria-busy=true], table[aria-busy=true], .mud-table-loading")).ToHaveCountAsync(0);
        }

        var violations = await AxeScan.RunAsync(page);

        foreach (var violation in violations)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(violation.ToString());
        }

        var serious = violations.Where(v => v.IsSeriousOrWorse).ToList();
        Assert.True(serious.Count == 0, $"{address} ({scheme}): {string.Join(Environment.NewLine, serious)}");
    }
}
