using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Tenancy.Admin.Features.Tenants;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Tests.Infrastructure;

/// <summary>bUnit context with MudBlazor, the portal's services and a real SQLite database.</summary>
public abstract class PortalTestContext : BunitContext
{
    protected PortalTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLogging();
        // The container disposes the database (deletes its file) with the context.
        Services.AddSingleton<SqliteTenantDatabase>();
        Services.AddSingleton<IDbContextFactory<TenancyDbContext>>(sp => sp.GetRequiredService<SqliteTenantDatabase>());
        Services.AddSingleton<TenantCatalog>();
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<Tenancy.Core.Features.Audit.AuditLog>();
        Services.AddSingleton<Tenancy.Core.Features.Usage.UsageMeter>();
        Services.AddSingleton<Tenancy.Core.Features.Quotas.QuotaEnforcer>();
        Services.AddSingleton<Tenancy.Core.Features.Quotas.QuotaService>();
        Services.AddScoped<TenantListReturn>();
        AddAuthorization().SetAuthorized("Sam Support").SetRoles("Support");
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
    }

    /// <summary>Where dialogs shown through <see cref="IDialogService"/> render.</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs { get; }

    protected SqliteTenantDatabase Database => Services.GetRequiredService<SqliteTenantDatabase>();

    protected BunitNavigationManager Navigation => Services.GetRequiredService<BunitNavigationManager>();
}
