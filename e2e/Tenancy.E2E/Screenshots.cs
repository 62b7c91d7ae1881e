using System.Reflection;
using Microsoft.Playwright;

namespace Tenancy.E2E;

/// <summary>Screenshots kept in the source tree (<c>e2e/Tenancy.E2E/screenshots</c>) and committed.</summary>
public static class Screenshots
{
    // MudBlazor's click ripple is a span (.mud-ripple-effect) that removes itself when its
    // animation ends; with animations frozen it stays, and the clicked button or tab looks greyed.
    private const string FreezeMotion =
        "*, *::before, *::after { transition: none !important; animation: none !important; caret-color: transparent !important; } " +
        ".mud-ripple-effect { display: none !important; }";

    public static string Directory { get; } = typeof(Screenshots).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ScreenshotDirectory").Value!;

    /// <summary>Saves the viewport, or the whole scrollable page with <paramref name="fullPage"/>.</summary>
    public static async Task TakeAsync(IPage page, string fileName, bool fullPage = false)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, fileName);
        var temporary = path + ".tmp";
        await page.AddStyleTagAsync(new() { Content = FreezeMotion });
        await page.ScreenshotAsync(new()
        {
            Path = temporary,
            Type = ScreenshotType.Png,
            Animations = ScreenshotAnimations.Disabled,
            Caret = ScreenshotCaret.Hide,
            FullPage = fullPage,
        });
        File.Move(temporary, path, overwrite: true);
    }
}
