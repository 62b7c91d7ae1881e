using System.Net;
using Tenancy.Admin.Tests.Infrastructure;

namespace Tenancy.Admin.Tests.Features.Health;

public sealed class HealthEndpointsShould
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SayLiveAndReadyOnceTheDatabaseIsMigrated()
    {
        await using var portal = new PortalFactory();
        using var client = portal.CreateBrowserLikeClient();

        using var live = await client.GetAsync("/healthz", Cancellation);
        using var ready = await client.GetAsync("/readyz", Cancellation);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task SayNotReadyWhileMigrationsArePending()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });
        using var client = portal.CreateBrowserLikeClient();

        using var live = await client.GetAsync("/healthz", Cancellation);
        using var ready = await client.GetAsync("/readyz", Cancellation);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("not migrated", await ready.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }
}
