using Microsoft.Playwright;

namespace Tenancy.E2E.Pages;

/// <summary><c>/signed-out</c>, where a sign-out ends. A static page (no circuit).</summary>
public sealed class SignedOutPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "You have signed out" });

    public ILocator SignInAgainLink => Page.GetByRole(AriaRole.Link, new() { Name = "Sign in again" });
}
