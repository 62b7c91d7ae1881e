using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using Tenancy.Core;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;
using Tenancy.Testing;

namespace Tenancy.Admin.Tests.Infrastructure;

/// <summary>
/// The one bUnit base class: the portal's components with the services the app registers
/// (<see cref="TenancyCoreExtensions.AddTenancyFeatures"/> and <see cref="PortalExtensions.AddPortalServices"/>,
/// so a wiring mistake in the app fails here too) over a real, migrated SQLite database, on a
/// clock the test moves (<see cref="Clock"/>, whose timers fire when it is advanced), signed in as
/// Support. Billing state is produced as in production: signed events through
/// <see cref="StripeWebhookReceiver"/>, applied by <see cref="StripeEventProcessor"/>.
/// </summary>
public abstract class PortalTestContext : BunitContext
{
    /// <summary>Where the clock starts: a fixed instant, so times on screen are predictable.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    protected static readonly StaffActor Sam = new("dev-support", "Sam Support", "sam.support@example.test", new HashSet<StaffRole> { StaffRole.Support });

    protected static readonly StaffActor Ada = new("dev-admin", "Ada Admin", "ada.admin@example.test", new HashSet<StaffRole> { StaffRole.Admin });

    /// <summary>
    /// Configuration as the app reads it: the Stripe signing secret the test events are signed
    /// with, and one attempt per event without a retry delay, so a poison event fails on its
    /// first drain.
    /// </summary>
    private static readonly Dictionary<string, string?> Settings = new()
    {
        [$"{StripeOptions.SectionName}:{nameof(StripeOptions.WebhookSecret)}"] = StripeTestEvents.Secret,
        [$"{BillingOptions.SectionName}:{nameof(BillingOptions.MaxAttempts)}"] = "1",
        [$"{BillingOptions.SectionName}:{nameof(BillingOptions.RetryBaseDelay)}"] = "00:00:00",
    };

    protected PortalTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build());
        Services.AddLogging();
        // The container disposes the database (deletes its file) with the context.
        Services.AddSingleton<SqliteTenantDatabase>();
        Services.AddSingleton<IDbContextFactory<TenancyDbContext>>(sp => sp.GetRequiredService<SqliteTenantDatabase>());
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddTenancyFeatures();
        Services.AddPortalServices();
        Authorization = AddAuthorization();
        SignInAs("Sam Support", StaffRole.Support);
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        Popovers = Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
        Snackbars = Render<MudSnackbarProvider>();
    }

    protected FakeTimeProvider Clock { get; } = new(Start);

    protected BunitAuthorizationContext Authorization { get; }

    protected IRenderedComponent<MudPopoverProvider> Popovers { get; }

    /// <summary>Where dialogs shown through <see cref="IDialogService"/> render.</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs { get; }

    protected IRenderedComponent<MudSnackbarProvider> Snackbars { get; }

    protected SqliteTenantDatabase Database => Services.GetRequiredService<SqliteTenantDatabase>();

    protected BunitNavigationManager Navigation => Services.GetRequiredService<BunitNavigationManager>();

    protected SuspensionService Suspensions => Services.GetRequiredService<SuspensionService>();

    protected static CancellationToken Cancel => Xunit.TestContext.Current.CancellationToken;

    /// <summary>
    /// The user stops typing for a while: debounced inputs fire (MudBlazor's debounce timers run
    /// on the registered <see cref="TimeProvider"/>, which is <see cref="Clock"/>). The clock moves
    /// in small steps with a moment of real time between them, because an input's handler may
    /// start its debounce timer only after <c>Input()</c> has returned (after an await): a single
    /// jump made before the timer exists would never fire it.
    /// </summary>
    protected void PauseTyping()
    {
        for (var step = 0; step < 20; step++)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(15));
            Clock.Advance(TimeSpan.FromMilliseconds(100));
        }
    }

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
