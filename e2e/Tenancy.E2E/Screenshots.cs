using System.Reflection;
using Microsoft.Playwright;

namespace Tenancy.E2E;

/// <summary>
/// Screenshots the tests take. A test run writes them to <c>artifacts/screenshots/</c> (ignored
/// by git), so running the tests leaves the checkout as it was. The committed ones in
/// <c>e2e/Tenancy.E2E/screenshots/</c>, which README and docs show, are re-taken only by
/// <c>scripts/screenshots.sh</c>, which sets <see cref="RefreshVariable"/>.
/// </summary>
public static class Screenshots
{
    /// <summary>Set to <c>1</c> to write into the committed folder instead of <c>artifacts/screenshots/</c>.</summary>
    public const string RefreshVariable = "TENANCY_REFRESH_SCREENSHOTS";

    // MudBlazor's click ripple is a span (.mud-ripple-effect) that removes itself when its
    // animation ends; with animations frozen it stays, and the clicked button or tab looks greyed.
    private const string FreezeMotion =
        "*, *::before, *::after { transition: none !important; animation: none !important; caret-color: transparent !important; } " +
        ".mud-ripple-effect { display: none !important; }";

    /// <summary>A folder of its own for a second run of the tests (scripts/test.sh's Citus run), so it does not overwrite the first run's.</summary>
    public const string DirectoryVariable = "TENANCY_SCREENSHOT_DIRECTORY";

    public static string Directory { get; } =
        Environment.GetEnvironmentVariable(RefreshVariable) == "1" ? Metadata("CommittedScreenshotDirectory")
        : Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } directory ? directory
        : Metadata("TestScreenshotDirectory");

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

    /// <summary>A folder the project file wrote into the assembly (Tenancy.E2E.csproj).</summary>
    private static string Metadata(string key) => typeof(Screenshots).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;
}
