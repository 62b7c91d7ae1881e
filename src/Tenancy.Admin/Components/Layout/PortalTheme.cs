using MudBlazor;

namespace Tenancy.Admin.Components.Layout;

public static class PortalTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            // #00897b (MudBlazor's teal) is 4.3:1 against white; this one reaches AA.
            Secondary = "#00796b",
            AppbarBackground = "#283593",
            // Darker than MudBlazor's defaults so status text on white reaches WCAG AA (4.5:1).
            Success = "#2e7d32",
            Warning = "#a15c00",
            Info = "#01579b",
            Error = "#c62828",
        },
        // Dark: MudBlazor's dark surfaces with lighter accents, so text and status colours on
        // them reach WCAG AA (4.5:1) as the light ones do on white.
        PaletteDark = new PaletteDark
        {
            Primary = "#9fa8da",
            PrimaryContrastText = "#10133a",
            Secondary = "#4db6ac",
            SecondaryContrastText = "#0b2a27",
            AppbarBackground = "#1a1f4e",
            // MudBlazor's dark secondary text (50 % white) is 4.3:1 on its dark surfaces.
            TextSecondary = "rgba(255,255,255,0.70)",
            Success = "#81c784",
            Warning = "#ffb74d",
            Info = "#4fc3f7",
            Error = "#ef9a9a",
            SuccessContrastText = "#10133a",
            WarningContrastText = "#10133a",
            InfoContrastText = "#10133a",
            ErrorContrastText = "#10133a",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["Liberation Sans", "Helvetica", "Arial", "sans-serif"],
            },
        },
    };
}
