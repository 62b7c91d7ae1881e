using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.E2E.Pages;

/// <summary>The "Resume tenant" dialog: which staff suspensions to lift (all, at first), a reason and a confirmation.</summary>
public sealed class ResumeDialog(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Root => Page.GetByRole(AriaRole.Dialog).Filter(new() { Has = Page.GetByTestId("resume-submit") });

    public ILocator Reason => Root.GetByTestId("resume-reason");

    public ILocator Confirm => Root.GetByTestId("resume-confirm");

    public ILocator SubmitButton => Root.GetByTestId("resume-submit");

    public ILocator Error => Root.GetByTestId("dialog-error");

    public async Task FillAsync(string reason)
    {
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
