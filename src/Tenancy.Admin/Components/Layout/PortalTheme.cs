using MudBlazor;

namespace Tenancy.Admin.Components.Layout;

public static class PortalTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#00897b",
            AppbarBackground = "#283593",
            // Darker than MudBlazor's defaults so status text on white reaches WCAG AA (4.5:1).
            Success = "#2e7d32",
            Warning = "#a15c00",
            Info = "#01579b",
            Error = "#c62828",
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
