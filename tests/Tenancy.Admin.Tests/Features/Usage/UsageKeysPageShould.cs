using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Features.Staff;
using Tenancy.Admin.Features.Usage;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Tests.Features.Usage;

/// <summary>The usage API keys page: everyone sees the list, Admins create (seeing the secret once) and revoke.</summary>
public sealed class UsageKeysPageShould : PortalTestContext
{
    private UsageApiKeys Keys => Services.GetRequiredService<UsageApiKeys>();

    [Fact]
    public async Task ListTheKeysWithPrefixCreatorLastUseRateAndStatus()
    {
        var busy = await Keys.CreateAsync(Ada, "API gateway eu-west", 2_500, Cancel);
        Clock.Advance(TimeSpan.FromMinutes(5));
        await Keys.MarkUsedAsync((await Keys.AuthenticateAsync(busy.Secret, Cancel))!, Cancel);
        var old = await Keys.CreateAsync(Ada, "Old importer", null, Cancel);
        await Keys.RevokeAsync(Ada, old.Key.Id, "Importer was switched off", Cancel);

        var cut = RenderPage(StaffRole.Viewer);

        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count), Wait);
        var active = Row(cut, "API gateway eu-west");
        Assert.Equal(busy.Key.Prefix + "…", Cell(active, "key-prefix"));
        Assert.Equal("2026-11-20 09:00 UTC by Ada Admin", Cell(active, "key-created"));
        Assert.Equal("2026-11-20 09:05 UTC", Cell(active, "key-last-used"));
        Assert.Equal("2,500 events/s", Cell(active, "key-rate"));
        Assert.Contains("Active", Cell(active, "key-status"), StringComparison.Ordinal);
        var revoked = Row(cut, "Old importer");
        Assert.Equal("never", Cell(revoked, "key-last-used"));
        Assert.Equal("50,000 events/s (default)", Cell(revoked, "key-rate"));
        Assert.Contains("Revoked", Cell(revoked, "key-status"), StringComparison.Ordinal);
        Assert.Contains("by Ada Admin", Cell(revoked, "key-status"), StringComparison.Ordinal);
        Assert.DoesNotContain(busy.Secret[UsageApiKey.PrefixLength..], cut.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StaffRole.Viewer)]
    [InlineData(StaffRole.Support)]
    public async Task ShowTheListReadOnlyBelowAdmin(StaffRole role)
    {
        await Keys.CreateAsync(Ada, "API gateway", null, Cancel);

        var cut = RenderPage(role);

        cut.WaitForAssertion(() => Assert.Single(Rows(cut)), Wait);
        Assert.Empty(cut.FindAll("[data-testid=create-key]"));
        Assert.Empty(cut.FindAll("[data-testid=revoke-key]"));
        Assert.Contains("Only Admins", cut.Find("[data-testid=read-only]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAKeyAndShowItsSecretOnceWithACopyButton()
    {
        var clipboard = JSInterop.SetupVoid("navigator.clipboard.writeText", _ => true);
        clipboard.SetVoidResult();
        var cut = RenderPage(StaffRole.Admin);
        cut.WaitForElement("[data-testid=no-keys]", Wait);

        var click = cut.Find("[data-testid=create-key]").ClickAsync(new());
        Dialogs.WaitForElement("[data-testid=create-key-dialog]", Wait);
        Assert.True(Dialogs.Find("[data-testid=create-submit]").HasAttribute("disabled"));
        Dialogs.Find("input[data-testid=key-name-input]").Input("Billing gateway");
        Dialogs.Find("input[data-testid=key-rate-input]").Input("1200");
        await Dialogs.Find("[data-testid=create-submit]").ClickAsync(new());

        Dialogs.WaitForElement("[data-testid=key-secret]", Wait);
        var secret = Dialogs.Find("input[data-testid=key-secret]").GetAttribute("value")!;
        Assert.Matches("^tua_[A-Za-z0-9_-]{43}$", secret);
        Assert.Contains("You will not see it again", Dialogs.Find("[data-testid=secret-warning]").TextContent, StringComparison.Ordinal);
        await Dialogs.Find("[data-testid=copy-secret]").ClickAsync(new());
        Assert.Equal(secret, Assert.Single(clipboard.Invocations).Arguments[0]);
        Dialogs.WaitForAssertion(() => Assert.Contains("Copied", Dialogs.Find("[data-testid=copy-result]").TextContent, StringComparison.Ordinal), Wait);
        await Dialogs.Find("[data-testid=create-done]").ClickAsync(new());
        await click;

        cut.WaitForAssertion(() => Assert.Single(Rows(cut)), Wait);
        Assert.Equal("1,200 events/s", Cell(Row(cut, "Billing gateway"), "key-rate"));
        Assert.DoesNotContain(secret, cut.Markup, StringComparison.Ordinal);
        Assert.Empty(Dialogs.FindAll("[data-testid=key-secret]")); // gone for good
        var key = Assert.Single(await Keys.ListAsync(Cancel));
        Assert.Equal(key.Id, (await Keys.AuthenticateAsync(secret, Cancel))?.Id);
        await using var db = Database.CreateDbContext();
        Assert.Equal(1, await db.AuditLog.CountAsync(e => e.Action == UsageAuditActions.KeyCreated && e.ActorName == "Ada Admin", Cancel));
    }

    [Fact]
    public async Task RevokeAKeyWithAReason()
    {
        var created = await Keys.CreateAsync(Ada, "Leaky script", null, Cancel);
        var cut = RenderPage(StaffRole.Admin);
        cut.WaitForAssertion(() => Assert.Single(Rows(cut)), Wait);

        var click = Row(cut, "Leaky script").QuerySelector("[data-testid=revoke-key]")!.ClickAsync(new());
        Dialogs.WaitForElement("[data-testid=revoke-key-dialog]", Wait);
        Dialogs.Find("textarea[data-testid=revoke-reason]").Input("short");
        Dialogs.WaitForAssertion(() => Assert.Contains("at least 10", Dialogs.Find("[data-testid=revoke-key-dialog]").TextContent, StringComparison.Ordinal), Wait);
        Assert.True(Dialogs.Find("[data-testid=revoke-confirm]").HasAttribute("disabled"));
        Dialogs.Find("textarea[data-testid=revoke-reason]").Input("Posted in a public gist");
        await Dialogs.Find("[data-testid=revoke-confirm]").ClickAsync(new());
        await click;

        cut.WaitForAssertion(() => Assert.Contains("Revoked", Cell(Row(cut, "Leaky script"), "key-status"), StringComparison.Ordinal), Wait);
        Assert.Empty(cut.FindAll("[data-testid=revoke-key]"));
        Assert.Null(await Keys.AuthenticateAsync(created.Secret, Cancel));
        await using var db = Database.CreateDbContext();
        var entry = await db.AuditLog.SingleAsync(e => e.Action == UsageAuditActions.KeyRevoked, Cancel);
        Assert.Equal(("Ada Admin", "Posted in a public gist"), (entry.ActorName, entry.Reason));
    }

    private IRenderedComponent<UsageKeysPage> RenderPage(StaffRole role)
    {
        var name = role == StaffRole.Admin ? "Ada Admin" : $"{role} Tester";
        var subject = role == StaffRole.Admin ? "dev-admin" : $"sub-{role}";
        var identity = StaffClaims.CreateIdentity("Test", subject, name, $"{role}@example.test", [role]);
        var state = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity)));
        return Render<UsageKeysPage>(parameters => parameters.AddCascadingValue(state));
    }

    private static List<IElement> Rows(IRenderedComponent<UsageKeysPage> cut) =>
        [.. cut.FindAll("[data-testid=usage-keys] tbody tr").Where(tr => tr.QuerySelector("[data-testid=key-name]") is not null)];

    private static IElement Row(IRenderedComponent<UsageKeysPage> cut, string name) =>
        Rows(cut).Single(tr => tr.QuerySelector("[data-testid=key-name]")!.TextContent.Trim() == name);

    private static string Cell(IElement row, string testId) =>
        string.Join(" ", row.QuerySelector($"[data-testid={testId}]")!.TextContent.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
