using Tenancy.Admin.Components.Layout;
using System.Globalization;
using MudBlazor;
using MudBlazor.Services;
using Tenancy.Admin.Components;
using Tenancy.Admin.Features.Tenants;

namespace Tenancy.Admin;

public static class PortalExtensions
{
    /// <summary>Blazor Server with MudBlazor, and the portal's UI services.</summary>
    public static WebApplicationBuilder AddAdminPortal(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddPortalServices();
        builder.Services.AddOptions<TenantExportOptions>().BindConfiguration(TenantExportOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// What the portal's components inject besides the tenancy features: MudBlazor as the portal
    /// configures it, the tenant list's way back and the request a prerender answers (a page's
    /// status code). The component tests register the same.
    /// </summary>
    public static IServiceCollection AddPortalServices(this IServiceCollection services)
    {
        services.AddMudServices(options =>
        {
            // Top-right hides under the app bar; bottom-right covered the buttons of a tall dialog at
            // 1280×800 (dialogs are centred with their buttons on the right).
            options.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomLeft;
        });
        services.AddScoped<TenantListReturn>();
        services.AddHttpContextAccessor();
        return services;
    }

    public static WebApplication UseAdminPortal(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseThemeClientHint();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }

        // Numbers and dates are shown the same way whatever the server's locale (C.UTF-8 here).
        var culture = CultureInfo.GetCultureInfo("en-US");
        CultureInfo.DefaultThreadCurrentCulture = culture;
        CultureInfo.DefaultThreadCurrentUICulture = culture;
        app.UseRequestLocalization(options =>
        {
            options.SetDefaultCulture(culture.Name);
            options.AddSupportedCultures(culture.Name);
            options.AddSupportedUICultures(culture.Name);
        });

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        // CSS, scripts and the favicon are public: the fallback policy (signed-in staff only)
        // would otherwise redirect them to /signin, leaving the sign-in page itself unstyled and
        // without scripts for the very people who are not signed in yet.
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
