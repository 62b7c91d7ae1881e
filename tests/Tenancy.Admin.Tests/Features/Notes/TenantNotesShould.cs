using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Admin.Features.Audit;
using Tenancy.Admin.Features.Notes;
using Tenancy.Admin.Features.Staff;
using Tenancy.Admin.Features.Tenants;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Notes;
using Tenancy.Core.Features.Staff;

namespace Tenancy.Admin.Tests.Features.Notes;

/// <summary>The Notes tab and the pinned note in the tenant page's header.</summary>
public sealed class TenantNotesShould : PortalTestContext
{
    private const string LegalHold = "Legal hold: do not delete any data until the case closes.";
    private const string CallFirst = "Customer is migrating off v1 until March.\nCall Dana before suspending.";

    public TenantNotesShould()
    {
        // Sam's subject, as the identity provider would send it: his own notes are the ones he may delete.
        Authorization.SetClaims(new Claim(StaffClaims.Subject, Sam.Subject));
    }

    private TenantNoteService Notes => Services.GetRequiredService<TenantNoteService>();

    [Fact]
    public async Task ShowThePinnedNoteInTheHeaderOnEveryTab()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        var note = await Notes.AddAsync(Ada, tenant.Id, LegalHold, Cancel);
        await Notes.AddAsync(Sam, tenant.Id, CallFirst, Cancel);
        await Notes.PinAsync(Ada, tenant.Id, note.Id, Cancel);
        Clock.Advance(TimeSpan.FromHours(3));

        var page = Render<TenantDetailsPage>(p => p.Add(c => c.Id, tenant.Id));

        page.WaitForAssertion(() => Assert.Equal(LegalHold, page.Find("[data-testid=pinned-note-text]").TextContent), Wait);
        var meta = page.Find("[data-testid=pinned-note-meta]").TextContent;
        Assert.Contains("Ada Admin · 2026-11-20 09:00 UTC · 3 hours ago", meta, StringComparison.Ordinal);
        Assert.Equal($"/tenants/{tenant.Id}/notes", page.Find("[data-testid=pinned-note-all]").GetAttribute("href"));

        foreach (var tab in new[] { "Quotas", "Audit history", "Notes" })
        {
            await page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == tab).ClickAsync(new());
            page.WaitForAssertion(() => Assert.Equal(LegalHold, page.Find("[data-testid=pinned-note-text]").TextContent), Wait);
        }
    }

    [Fact]
    public void ShowNoPinnedNoteWhenNoneIsPinned()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();

        var page = Render<TenantDetailsPage>(p => p.Add(c => c.Id, tenant.Id));

        page.WaitForElement("[data-testid=tenant-name]", Wait);
        Assert.Empty(page.FindAll("[data-testid=pinned-note]"));
    }

    [Fact]
    public async Task ShowAViewerTheNotesWithoutAnyWriteControls()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        var pinned = await Notes.AddAsync(Ada, tenant.Id, LegalHold, Cancel);
        await Notes.PinAsync(Ada, tenant.Id, pinned.Id, Cancel);
        await Notes.AddAsync(Sam, tenant.Id, CallFirst, Cancel);
        SignInAs("Vera Viewer", StaffRole.Viewer);

        var panel = Render<TenantNotesPanel>(p => p.Add(c => c.TenantId, tenant.Id));

        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("[data-testid=note]").Count), Wait);
        Assert.Contains("Read-only", panel.Find("[data-testid=notes-read-only]").TextContent, StringComparison.Ordinal);
        Assert.Empty(panel.FindAll("[data-testid=note-form]"));
        Assert.Empty(panel.FindAll("[data-testid=note-add]"));
        Assert.Empty(panel.FindAll("[data-testid=note-pin]"));
        Assert.Empty(panel.FindAll("[data-testid=note-unpin]"));
        Assert.Empty(panel.FindAll("[data-testid=note-delete]"));
        Assert.Single(panel.FindAll("[data-testid=note-pinned-chip]"));
    }

    [Fact]
    public async Task AddANoteAndShowItFirstAmongTheUnpinnedNotesWithItsAuthorAndTime()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        await Notes.AddAsync(Ada, tenant.Id, LegalHold, Cancel);
        Clock.Advance(TimeSpan.FromMinutes(30));
        var panel = Render<TenantNotesPanel>(p => p.Add(c => c.TenantId, tenant.Id));
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=note]")), Wait);
        Assert.True(panel.Find("button[data-testid=note-add]").HasAttribute("disabled")); // nothing written yet

        panel.Find("textarea[data-testid=note-text]").Input("  " + CallFirst + "  ");
        panel.WaitForAssertion(() => Assert.False(panel.Find("button[data-testid=note-add]").HasAttribute("disabled")), Wait);
        await panel.Find("button[data-testid=note-add]").ClickAsync(new());

        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("[data-testid=note]").Count), Wait);
        var newest = panel.FindAll("[data-testid=note]")[0];
        Assert.Equal(CallFirst, newest.QuerySelector("[data-testid=note-body]")!.TextContent);
        Assert.Equal("Sam Support", newest.QuerySelector("[data-testid=note-author]")!.TextContent);
        Assert.Contains("2026-11-20 09:30 UTC · less than a minute ago", newest.QuerySelector("[data-testid=note-time]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("30 minutes ago", panel.FindAll("[data-testid=note]")[1].QuerySelector("[data-testid=note-time]")!.TextContent, StringComparison.Ordinal);
        Assert.True(panel.Find("button[data-testid=note-add]").HasAttribute("disabled")); // the box is empty again
        Snackbars.WaitForAssertion(() => Assert.Contains("Note added.", Snackbars.Markup, StringComparison.Ordinal), Wait);

        // Sam may delete his own note, not Ada's.
        Assert.NotNull(newest.QuerySelector("[data-testid=note-delete]"));
        Assert.Null(panel.FindAll("[data-testid=note]")[1].QuerySelector("[data-testid=note-delete]"));
        var stored = (await Notes.ListAsync(tenant.Id, Cancel)).Notes;
        Assert.Equal((CallFirst, Sam.Subject), (stored[0].Text, stored[0].AuthorSubject));
    }

    [Fact]
    public async Task SayWhatIsWrongWithANoteThatIsTooLong()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        var panel = Render<TenantNotesPanel>(p => p.Add(c => c.TenantId, tenant.Id));
        panel.WaitForElement("[data-testid=notes-empty]", Wait);

        panel.Find("textarea[data-testid=note-text]").Input(new string('x', TenantNote.TextMaxLength + 1));

        panel.WaitForAssertion(() => Assert.Contains("A note can be at most 2,000 characters (2,001 now).", panel.Markup, StringComparison.Ordinal), Wait);
        Assert.True(panel.Find("button[data-testid=note-add]").HasAttribute("disabled"));
        Assert.Empty((await Notes.ListAsync(tenant.Id, Cancel)).Notes);
    }

    [Fact]
    public async Task PinFromTheNotesTabReplaceThePinAndUnpinWithTheHeaderFollowing()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        await Notes.AddAsync(Ada, tenant.Id, LegalHold, Cancel);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Notes.AddAsync(Sam, tenant.Id, CallFirst, Cancel);
        var page = Render<TenantDetailsPage>(p => p.Add(c => c.Id, tenant.Id).Add(c => c.Tab, "notes"));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=note]").Count), Wait);
        Assert.Empty(page.FindAll("[data-testid=pinned-note]"));

        // Pin the older note (Ada's, second in the list).
        await page.FindAll("[data-testid=note]")[1].QuerySelector("button[data-testid=note-pin]")!.ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(LegalHold, page.Find("[data-testid=pinned-note-text]").TextContent), Wait);
        page.WaitForAssertion(() => Assert.Equal("true", page.FindAll("[data-testid=note]")[0].GetAttribute("data-pinned")), Wait);
        Assert.Contains(LegalHold, page.FindAll("[data-testid=note]")[0].TextContent, StringComparison.Ordinal); // the pinned note comes first
        Assert.Contains("Ada Admin · 2026-11-20 09:00 UTC", page.Find("[data-testid=pinned-note-meta]").TextContent, StringComparison.Ordinal);
        Assert.Contains("pinned by Sam Support", page.Find("[data-testid=pinned-note-meta]").TextContent, StringComparison.Ordinal);

        // Pinning the other replaces it.
        await page.FindAll("[data-testid=note]")[1].QuerySelector("button[data-testid=note-pin]")!.ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(CallFirst, page.Find("[data-testid=pinned-note-text]").TextContent), Wait);
        Assert.Single(page.FindAll("[data-testid=note][data-pinned=true]"));
        Assert.DoesNotContain("pinned by", page.Find("[data-testid=pinned-note-meta]").TextContent, StringComparison.Ordinal); // Sam pinned his own note

        await page.Find("button[data-testid=note-unpin]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=pinned-note]")), Wait);
        Assert.Empty(page.FindAll("[data-testid=note][data-pinned=true]"));
        Assert.Null(await Notes.GetPinnedAsync(tenant.Id, Cancel));
    }

    [Fact]
    public async Task DeleteOnesOwnPinnedNoteAfterConfirmingAndTakeItOutOfTheHeader()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        var note = await Notes.AddAsync(Sam, tenant.Id, CallFirst, Cancel);
        await Notes.PinAsync(Sam, tenant.Id, note.Id, Cancel);
        var page = Render<TenantDetailsPage>(p => p.Add(c => c.Id, tenant.Id).Add(c => c.Tab, "notes"));
        page.WaitForElement("[data-testid=pinned-note]", Wait);

        var click = page.Find("button[data-testid=note-delete]").ClickAsync(new());
        Dialogs.WaitForAssertion(() => Assert.Contains("its text stays in the audit log", Dialogs.Markup, StringComparison.Ordinal), Wait);
        await Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").ClickAsync(new());
        await click;

        page.WaitForElement("[data-testid=notes-empty]", Wait);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=pinned-note]")), Wait);
        Assert.Empty((await Notes.ListAsync(tenant.Id, Cancel)).Notes);
    }

    [Fact]
    public async Task WriteTheirAuditEntriesInWords()
    {
        var tenant = Database.AddTenants("Acme Analytics").Single();
        var first = await Notes.AddAsync(Ada, tenant.Id, LegalHold, Cancel);
        var second = await Notes.AddAsync(Sam, tenant.Id, CallFirst, Cancel);
        await Notes.PinAsync(Ada, tenant.Id, first.Id, Cancel);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Notes.PinAsync(Sam, tenant.Id, second.Id, Cancel);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Notes.UnpinAsync(Sam, tenant.Id, second.Id, Cancel);
        await Notes.DeleteAsync(Ada, tenant.Id, second.Id, Cancel);
        await using var db = Database.CreateDbContext();
        var entries = await db.AuditLog.AsNoTracking().Where(e => e.TenantId == tenant.Id).ToListAsync(Cancel);
        IReadOnlyList<AuditChangeLine> Lines(string action, int index = 0)
        {
            var entry = entries.Where(e => e.Action == action).OrderBy(e => e.OccurredAt).ElementAt(index);
            return AuditChangeText.Lines(entry.Before, entry.After, Clock.GetUtcNow().UtcDateTime);
        }

        Assert.Equal(
            [new AuditChangeLine("Note id", null, first.Id.ToString()), new AuditChangeLine("Text", null, LegalHold)],
            Lines(NoteAuditActions.Added));
        Assert.Equal(
            [new AuditChangeLine("Pinned note id", "none", first.Id.ToString()), new AuditChangeLine("Pinned note", "none", LegalHold)],
            Lines(NoteAuditActions.Pinned));
        Assert.Equal(
            [new AuditChangeLine("Pinned note id", first.Id.ToString(), second.Id.ToString()), new AuditChangeLine("Pinned note", LegalHold, CallFirst)],
            Lines(NoteAuditActions.Pinned, 1));
        Assert.Equal(
            [new AuditChangeLine("Pinned note id", second.Id.ToString(), "none"), new AuditChangeLine("Pinned note", CallFirst, "none")],
            Lines(NoteAuditActions.Unpinned));
        Assert.Equal(
            [
                new AuditChangeLine("Note id", second.Id.ToString(), null),
                new AuditChangeLine("Author", "Sam Support", null),
                new AuditChangeLine("Text", CallFirst, null),
                new AuditChangeLine("Pinned", "no", null),
            ],
            Lines(NoteAuditActions.Deleted));
    }
}
