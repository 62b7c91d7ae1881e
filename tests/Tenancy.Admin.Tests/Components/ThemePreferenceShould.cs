using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Tenancy.Admin.Components.Layout;
using Tenancy.Admin.Features.Staff;

namespace Tenancy.Admin.Tests.Components;

/// <summary>Light or dark from the request: the user's own choice first, then the system's.</summary>
public sealed class ThemePreferenceShould
{
    [Fact]
    public void KeepEachStaffMembersChoiceInACookieOfTheirOwn()
    {
        var vera = ThemePreference.CookieFor(User("vera"));
        var sam = ThemePreference.CookieFor(User("sam"));

        Assert.NotNull(vera);
        Assert.NotEqual(vera, sam);
        Assert.Equal(vera, ThemePreference.CookieFor(User("vera")));
        Assert.Null(ThemePreference.CookieFor(new ClaimsPrincipal(new ClaimsIdentity())));
    }

    [Fact]
    public void PreferTheUsersChoiceToTheSystemPreference()
    {
        var context = Request(User("vera"), $"{ThemePreference.CookieFor(User("vera"))}=light", hint: "dark");

        Assert.Equal(new ThemePreference(false, true, ThemePreference.CookieFor(User("vera"))), ThemePreference.Of(context));
    }

    [Fact]
    public void FollowTheSystemWhenTheUserHasNotChosen()
    {
        // Sam chose dark on this browser; Vera has not chosen, and the system is light.
        var context = Request(User("vera"), $"{ThemePreference.CookieFor(User("sam"))}=dark", hint: "light");
        Assert.Equal(new ThemePreference(false, false, ThemePreference.CookieFor(User("vera"))), ThemePreference.Of(context));

        Assert.True(ThemePreference.Of(Request(new ClaimsPrincipal(), $"{ThemePreference.SystemCookie}=dark", hint: null)).Dark);
        Assert.Null(ThemePreference.Of(Request(new ClaimsPrincipal(), cookie: null, hint: null)).Dark);
    }

    private static ClaimsPrincipal User(string subject) =>
        new(StaffClaims.CreateIdentity("test", subject, subject, null, [Tenancy.Core.Features.Staff.StaffRole.Viewer]));

    private static DefaultHttpContext Request(ClaimsPrincipal user, string? cookie, string? hint)
    {
        var context = new DefaultHttpContext { User = user };
        if (cookie is not null)
        {
            context.Request.Headers.Cookie = cookie;
        }

        if (hint is not null)
        {
            context.Request.Headers[ThemePreference.ClientHint] = hint;
        }

        return context;
    }
}
