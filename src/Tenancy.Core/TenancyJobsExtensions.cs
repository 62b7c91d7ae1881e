using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core;

public static class TenancyJobsExtensions
{
    /// <summary>
    /// Every background service of the tenancy backend, for a process that runs them (the
    /// <c>worker</c> and <c>all</c> host roles, or a product process that enforces quotas): queue
    /// consumers (<c>…Worker</c>, <see cref="Jobs.QueueWorker"/>) and periodic scans (<c>…Sweep</c>,
    /// <see cref="Jobs.PeriodicSweep"/>). Any number of processes may run them against one
    /// PostgreSQL database. Needs <see cref="TenancyCoreExtensions.AddTenancyCore"/>.
    /// </summary>
    public static IHostApplicationBuilder AddTenancyJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<StripeEventWorker>();
        builder.Services.AddHostedService<GracePeriodSweep>();
        builder.Services.AddHostedService<QuotaCacheRefreshSweep>();
        builder.Services.AddHostedService<ChangeLogPurgeSweep>();
        builder.Services.AddHostedService<RestoreWorker>();
        builder.Services.AddHostedService<UsageRollupSweep>();
        builder.Services.AddHostedService<UsageGaugeSweep>();
        builder.Services.AddHostedService<UsagePurgeSweep>();
        builder.Services.AddHostedService<UsageIngestIdPurgeSweep>();
        return builder;
    }
}
