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
