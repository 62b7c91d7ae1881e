using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using Tenancy.Admin.Features.Tenants;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;
using Tenancy.Testing;

namespace Tenancy.Admin.Tests.Infrastructure;

/// <summary>
/// bUnit context for the billing and suspension UI: what <see cref="PortalTestContext"/> sets up,
/// plus the billing services on a clock the test moves (<see cref="TimerClock"/>, whose timers
/// fire when it is advanced) and a Stripe signing secret, so billing state is produced as in
/// production: signed events through <see cref="StripeWebhookReceiver"/>, applied by
/// <see cref="StripeEventProcessor"/>. A separate base class because services cannot be added
/// once <see cref="PortalTestContext"/>'s constructor has rendered.
/// </summary>
public abstract class BillingTestContext : BunitContext
{
    /// <summary>Where the clock starts: a fixed instant, so times on screen are predictable.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    protected static readonly StaffActor Sam = new("dev-support", "Sam Support", "sam.support@example.test", new HashSet<StaffRole> { StaffRole.Support });

    protected static readonly StaffActor Ada = new("dev-admin", "Ada Admin", "ada.admin@example.test", new HashSet<StaffRole> { StaffRole.Admin });

    protected BillingTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLogging();
        Services.AddSingleton<SqliteTenantDatabase>();
        Services.AddSingleton<IDbContextFactory<TenancyDbContext>>(sp => sp.GetRequiredService<SqliteTenantDatabase>());
        Services.AddSingleton(Clock);
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton<TenantCatalog>();
        Services.AddSingleton<AuditLog>();
        Services.AddSingleton<UsageMeter>();
        Services.AddSingleton<QuotaEnforcer>();
        Services.AddSingleton<ITenantAccessObserver>(sp => sp.GetRequiredService<QuotaEnforcer>());
        Services.AddSingleton<QuotaService>();
        Services.AddScoped<TenantListReturn>();
        Services.AddSingleton(Options.Create(new StripeOptions { WebhookSecret = StripeTestEvents.Secret }));
        Services.AddSingleton(Options.Create(new BillingOptions { GracePeriod = TimeSpan.FromDays(7) }));
        Services.AddSingleton<BillingSignal>();
        Services.AddSingleton<StripeWebhookReceiver>();
        Services.AddSingleton<StripeEventProcessor>();
        Services.AddSingleton<GraceSweeper>();
        Services.AddSingleton<BillingService>();
        Services.AddSingleton<IBillingStandingReader, BillingStandingReader>();
        Services.AddSingleton<SuspensionService>();
        Authorization = AddAuthorization();
        SignInAs("Sam Support", StaffRole.Support);
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        Popovers = Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
        Snackbars = Render<MudSnackbarProvider>();
    }

    protected TimerClock Clock { get; } = new(Start);

    protected BunitAuthorizationContext Authorization { get; }

    protected IRenderedComponent<MudPopoverProvider> Popovers { get; }

    protected IRenderedComponent<MudDialogProvider> Dialogs { get; }

    protected IRenderedComponent<MudSnackbarProvider> Snackbars { get; }

    protected SqliteTenantDatabase Database => Services.GetRequiredService<SqliteTenantDatabase>();

    protected SuspensionService Suspensions => Services.GetRequiredService<SuspensionService>();

    protected static CancellationToken Cancel => Xunit.TestContext.Current.CancellationToken;

    /// <summary>Signs in as a member of staff with the portal's claims (name, sub, role).</summary>
    protected void SignInAs(string name, params StaffRole[] roles)
    {
        Authorization.SetAuthorized(name);
        Authorization.SetRoles([.. roles.Select(r => r.ToString())]);
    }

    /// <summary>Delivers a Stripe event signed now, as Stripe would, and applies every due event.</summary>
    protected async Task DeliverAsync(params string[] payloads)
    {
        var receiver = Services.GetRequiredService<StripeWebhookReceiver>();
        foreach (var payload in payloads)
        {
            var receipt = await receiver.ReceiveAsync(payload, StripeTestEvents.Sign(payload, Clock.GetUtcNow()), Cancel);
            Assert.Equal(WebhookOutcome.Accepted, receipt.Outcome);
        }

        await Services.GetRequiredService<StripeEventProcessor>().DrainAsync(Cancel);
    }

    /// <summary>A tenant with a Stripe customer and subscription, active and paid up.</summary>
    protected async Task<Tenant> PayingTenantAsync(string name = "Acme Analytics")
    {
        var tenant = Database.AddTenants(name).Single();
        var subscription = "sub_" + tenant.StripeCustomerId![4..];
        await using var db = Database.CreateDbContext();
        var row = await db.Tenants.SingleAsync(t => t.Id == tenant.Id, Cancel);
        row.Status = TenantStatus.Active;
        row.StripeSubscriptionId = subscription;
        await db.SaveChangesAsync(Cancel);
        return row;
    }
}
