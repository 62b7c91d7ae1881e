using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using Tenancy.Admin.Components.Layout;

namespace Tenancy.Admin.Tests.Components;

/// <summary>The layout on its own (it brings MudBlazor's providers itself, so not on the portal test context, which renders them too).</summary>
public sealed class MainLayoutShould : BunitContext
{
    public MainLayoutShould()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddPortalServices();
        var authorization = AddAuthorization();
        authorization.SetAuthorized("Vera Viewer");
        authorization.SetRoles("Viewer");
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private BunitNavigationManager Navigation => Services.GetRequiredService<BunitNavigationManager>();

    [Theory]
    [InlineData("/", "Fleet")]
    [InlineData("/tenants", "Tenants")]
    [InlineData("/tenants?q=acme", "Tenants")]
    [InlineData("/tenants/0195a1b2-0000-7000-8000-000000000001/quotas", "Tenants")]
    [InlineData("/audit?who=sam", "Audit log")]
    [InlineData("/billing/events", "Webhook events")]
    [InlineData("/usage/keys", "Usage API keys")]
    public void MarkTheSectionOfTheAddressAsTheCurrentPage(string address, string section)
    {
        Navigation.NavigateTo(address);

        var cut = RenderLayout();

        var current = cut.FindAll("[data-testid=portal-nav] [aria-current=page]");
        Assert.Equal(section, Assert.Single(current).TextContent.Trim());
        Assert.Equal("the page", cut.Find("main#main").TextContent.Trim());
    }

    [Fact]
    public void FollowTheAddressWhenItChanges()
    {
        Navigation.NavigateTo("/tenants");
        var cut = RenderLayout();

        Navigation.NavigateTo("/audit");

        cut.WaitForAssertion(() => Assert.Equal("Audit log", cut.Find("[data-testid=portal-nav] [aria-current=page]").TextContent.Trim()), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void StartInTheThemeTheRequestSaid()
    {
        var cut = RenderLayout(new ThemePreference(Dark: true, Chosen: true, UserCookie: "tenancy-theme-0123456789abcdef"));

        Assert.True(IsDark(cut));
        Assert.Equal("Switch to light mode", cut.Find("button[data-testid=theme-toggle]").GetAttribute("aria-label"));
    }

    [Fact]
    public void SwitchBetweenLightAndDarkAndRememberItForTheSignedInUser()
    {
        var theme = JSInterop.SetupModule("./theme.js");
        var cut = RenderLayout(new ThemePreference(Dark: false, Chosen: true, UserCookie: "tenancy-theme-0123456789abcdef"));
        Assert.False(IsDark(cut));

        cut.Find("button[data-testid=theme-toggle]").Click();

        Assert.True(IsDark(cut));
        Assert.Equal("true", cut.Find("button[data-testid=theme-toggle]").GetAttribute("aria-pressed"));
        Assert.Contains("--mud-palette-primary: rgba(159,168,218,1)", cut.Markup, StringComparison.Ordinal); // the dark palette's primary, #9fa8da
        cut.WaitForAssertion(() => Assert.Equal(["dark", "tenancy-theme-0123456789abcdef"], Assert.Single(theme.Invocations["apply"]).Arguments), TimeSpan.FromSeconds(5));

        cut.Find("button[data-testid=theme-toggle]").Click();

        Assert.False(IsDark(cut));
        cut.WaitForAssertion(() => Assert.Equal(["light", "tenancy-theme-0123456789abcdef"], theme.Invocations["apply"][^1].Arguments), TimeSpan.FromSeconds(5));
    }

    private static bool IsDark(IRenderedComponent<MainLayout> cut) =>
        cut.FindComponent<MudThemeProvider>().Instance.GetState(t => t.IsDarkMode);

    private IRenderedComponent<MainLayout> RenderLayout(ThemePreference? theme = null) =>
        Render<MainLayout>(p => p
            .Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "the page")))
            .AddCascadingValue(theme ?? new ThemePreference(Dark: false, Chosen: true, UserCookie: null)));
}
