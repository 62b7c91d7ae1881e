using System.Text.RegularExpressions;
using Tenancy.E2E.Hosting;
using Tenancy.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Features.Staff;

public sealed class StaffSignInShould(PortalFixture portal)
{
    [Fact]
    public async Task SendAnAnonymousVisitorToSignInAndThenBack()
    {
        await using var session = await portal.NewSessionAsync(signedIn: false);

        await session.Page.GotoAsync("/tenants?status=active");

        await Expect(session.Page).ToHaveURLAsync(new Regex(@"/signin\?ReturnUrl=%2Ftenants%3Fstatus%3Dactive$", RegexOptions.IgnoreCase));
        var signIn = new SignInPage(session.Page);
        await Expect(signIn.SignInAs("Support")).ToBeVisibleAsync();

        var list = await signIn.SignInAsAsync("Support");

        await Expect(session.Page).ToHaveURLAsync(new Regex(@"/tenants\?status=active$"));
        await Expect(list.Count).ToHaveTextAsync("73 tenants");
        await Expect(list.StatusFilter).ToHaveTextAsync("Active");
        Assert.Empty(session.BrowserErrors);
    }
}
