using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Tests.Features.Hosting;

/// <summary><c>--role web|worker|all</c>: what each process serves and runs.</summary>
public sealed class HostRoleShould
{
    /// <summary>Every background service of <c>AddTenancyJobs</c>.</summary>
    private static readonly Type[] AllJobs = [typeof(StripeEventWorker), typeof(GracePeriodSweep), typeof(QuotaCacheRefreshSweep), typeof(ChangeLogPurgeSweep), typeof(RestoreWorker), typeof(UsageRollupSweep), typeof(UsageGaugeSweep), typeof(UsagePurgeSweep), typeof(UsageIngestIdPurgeSweep)];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunEverythingByDefault()
    {
        await using var portal = new PortalFactory();
        using var client = portal.CreateBrowserLikeClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/signin", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsync("/webhooks/stripe", new StringContent("{}"), Cancellation)).StatusCode);
        Assert.Equal(AllJobs, Jobs(portal));
    }

    [Fact]
    public async Task ServeThePortalAndWebhooksWithoutWorkersInTheWebRole()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?> { ["Role"] = "web" });
        using var client = portal.CreateBrowserLikeClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/signin", Cancellation)).StatusCode);
        Assert.NotEqual(HttpStatusCode.NotFound, (await client.PostAsync("/webhooks/stripe", new StringContent("{}"), Cancellation)).StatusCode);
        Assert.Empty(Jobs(portal));
    }

    [Fact]
    public async Task RunOnlyWorkersAndHealthChecksInTheWorkerRole()
    {
        await using var portal = new PortalFactory(environment: "Production", settings: new Dictionary<string, string?> { ["Role"] = "worker" });
        using var client = portal.CreateBrowserLikeClient();

        // No sign-in or Stripe configuration needed: it serves no staff and no webhooks.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/tenants", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/webhooks/stripe", new StringContent("{}"), Cancellation)).StatusCode);
        Assert.Equal(AllJobs, Jobs(portal));
    }

    [Fact]
    public void RefuseAnUnknownRole()
    {
        using var portal = new PortalFactory(settings: new Dictionary<string, string?> { ["Role"] = "everything" });

        var refused = Assert.Throws<InvalidOperationException>(() => portal.CreateClient());

        Assert.Contains("--role web, worker or all", refused.Message, StringComparison.Ordinal);
    }

    private static List<Type> Jobs(PortalFactory portal) =>
        [.. portal.Services.GetServices<IHostedService>().Select(s => s.GetType()).Where(t => t.Namespace!.StartsWith("Tenancy.Core", StringComparison.Ordinal))];
}
