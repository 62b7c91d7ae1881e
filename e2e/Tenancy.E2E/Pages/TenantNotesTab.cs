using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>The tenant page's Notes tab, and the pinned note the page's header shows on every tab.</summary>
public sealed class TenantNotesTab(IPage page)
{
    public ILocator NewNote => page.GetByRole(AriaRole.Textbox, new() { Name = "New note" });

    public ILocator AddButton => page.GetByRole(AriaRole.Button, new() { Name = "Add note", Exact = true });

    /// <summary>The notes in the order shown: the pinned one first, then newest first.</summary>
    public ILocator Notes => page.GetByTestId("note");

    /// <summary>The pinned note in the page's header.</summary>
    public ILocator PinnedInHeader => page.GetByTestId("pinned-note");

    public ILocator Note(string text) => Notes.Filter(new() { HasText = text });

    public static async Task<TenantNotesTab> OpenAsync(TenantPage tenant)
    {
        await tenant.Tab("Notes").ClickAsync();
        await Expect(tenant.Page).ToHaveURLAsync(new Regex("/notes$"));
        var notes = new TenantNotesTab(tenant.Page);
        await Expect(notes.NewNote).ToBeVisibleAsync();
        return notes;
    }

    public async Task AddAsync(string text)
    {
        await NewNote.FillAsync(text);
        await AddButton.ClickAsync();
        await Expect(Note(text)).ToBeVisibleAsync();
    }

    public async Task PinAsync(string text)
    {
        await Note(text).GetByRole(AriaRole.Button, new() { Name = "Pin", Exact = true }).ClickAsync();
        await Expect(Note(text)).ToHaveAttributeAsync("data-pinned", "true");
    }
}
