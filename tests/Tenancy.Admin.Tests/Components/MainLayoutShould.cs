using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
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

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "the page"))));
}
