using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tenancy.Core.Features.Billing;
using Tenancy.E2E.Identity;
using Tenancy.Testing;

namespace Tenancy.E2E.Hosting;

/// <summary>
/// The real portal (its own <c>Program</c>, middleware and services) on Kestrel, on a free
/// loopback port, against the test database. Development environment, so the development
/// sign-in is mapped and static web assets are served from the build output; and OpenID
/// Connect configured against the test identity provider, so the sign-in page offers both.
/// </summary>
internal sealed class PortalAppFactory : WebApplicationFactory<Program>
{
    private readonly string _connectionString;
    private readonly TestIdentityProvider _provider;

    public PortalAppFactory(string connectionString, TestIdentityProvider provider)
    {
        _connectionString = connectionString;
        _provider = provider;
        UseKestrel(0);
    }

    /// <summary>Warnings and errors the portal logged.</summary>
    public PortalLog Log { get; } = new();

    /// <summary>The portal's circuits as they close (a page closed in the browser).</summary>
    public CircuitTracker Circuits { get; } = new();

    /// <summary>The clock of the billing services (event processor, grace sweep); a test moves it forward.</summary>
    public ShiftableClock BillingClock { get; } = new();

    /// <summary>Starts Kestrel and returns its address (<c>http://127.0.0.1:PORT</c>).</summary>
    public Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.Single());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Host settings reach Program's WebApplicationBuilder before it reads its configuration
        // (they are passed like command-line arguments), so AddTenancyCore sees them.
        builder.UseEnvironment(Environments.Development);
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Tenancy", _connectionString);
        builder.UseSetting("Database:DemoTenants", "0");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning");
        builder.ConfigureLogging(logging => logging.AddProvider(Log));

        builder.UseSetting("Auth:Authority", _provider.Authority.ToString());
        builder.UseSetting("Auth:ClientId", TestIdentityProvider.ClientId);
        builder.UseSetting("Auth:ClientSecret", _provider.ClientSecret);
        builder.UseSetting("Auth:RequireHttpsMetadata", "false"); // the provider is plain http on loopback
        builder.UseSetting("Auth:RoleClaim", TestIdentityProvider.RolesClaim);
        // A directory group granting a portal role, as a company would configure it.
        builder.UseSetting("Auth:Roles:Support:0", "Support");
        builder.UseSetting("Auth:Roles:Support:1", "staff-support");

        // Stripe webhooks: the secret the test events are signed with. The periodic grace sweep
        // runs once at start and then daily, so within a run only a test's own
        // GraceSweeper.SweepAsync() suspends anyone (no race between the two).
        builder.UseSetting("Stripe:WebhookSecret", StripeTestEvents.Secret);
        builder.UseSetting("Billing:SweepInterval", "1.00:00:00");

        // Billing decides on BillingClock; everything else keeps the real clock (see ShiftableClock).
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(BillingClock);
            services.Replace(ServiceDescriptor.Singleton(sp => ActivatorUtilities.CreateInstance<StripeEventProcessor>(sp, BillingClock)));
            services.Replace(ServiceDescriptor.Singleton(sp => ActivatorUtilities.CreateInstance<GraceSweeper>(sp, BillingClock)));
            services.AddSingleton<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(Circuits);
        });
    }
}
