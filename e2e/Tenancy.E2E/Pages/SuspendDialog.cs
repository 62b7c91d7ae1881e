using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>The "Suspend tenant" dialog: a category, a reason and a confirmation.</summary>
public sealed class SuspendDialog(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Root => Page.GetByRole(AriaRole.Dialog).Filter(new() { Has = Page.GetByTestId("suspend-submit") });

    /// <summary>The Category select (Abuse, Compliance, Customer request, Other).</summary>
    public ILocator Category => Root.GetByTestId("suspend-category");

    public ILocator Reason => Root.GetByTestId("suspend-reason");

    public ILocator Confirm => Root.GetByTestId("suspend-confirm");

    public ILocator SubmitButton => Root.GetByTestId("suspend-submit");

    /// <summary>Why the service refused (a conflict, a validation message).</summary>
    public ILocator Error => Root.GetByTestId("dialog-error");

    public async Task ChooseCategoryAsync(string label)
    {
        await Category.ClickAsync();
        await Page.GetByRole(AriaRole.Listbox).GetByRole(AriaRole.Option, new() { Name = label, Exact = true }).ClickAsync();
        await Expect(Category).ToContainTextAsync(label);
    }

    /// <summary>Fills the form; the caller submits (so it can look at it first).</summary>
    public async Task FillAsync(string category, string reason)
    {
        await ChooseCategoryAsync(category);
        await Reason.FillAsync(reason);
        await Confirm.CheckAsync();
        await Expect(SubmitButton).ToBeEnabledAsync();
    }

    /// <summary>Submits and waits for the dialog to close.</summary>
    public async Task SubmitAsync()
    {
        await SubmitButton.ClickAsync();
        await Expect(Root).ToBeHiddenAsync();
    }
}
