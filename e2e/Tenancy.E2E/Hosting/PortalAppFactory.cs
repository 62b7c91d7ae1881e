using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tenancy.E2E.Hosting;

/// <summary>
/// The real portal (its own <c>Program</c>, middleware and services) on Kestrel, on a free
/// loopback port, against the test database. Development environment, so the development
/// sign-in is mapped and static web assets are served from the build output.
/// </summary>
internal sealed class PortalAppFactory : WebApplicationFactory<Program>
{
    private readonly string _connectionString;

    public PortalAppFactory(string connectionString)
    {
        _connectionString = connectionString;
        UseKestrel(0);
    }

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
    }
}
