using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Jobs;
using Tenancy.Core.Tests.Infrastructure;
using static Tenancy.Core.Tests.Features.Quotas.QuotaTestData;

namespace Tenancy.Core.Tests.Features.Quotas;

/// <summary>
/// Two application instances (two service providers, as two processes would have) on one
/// PostgreSQL database: a change made through one is in force on the other within one refresh
/// interval (<c>Quotas:CacheRefreshInterval</c>), and usage adds up across them.
/// </summary>
public sealed class QuotaCacheAcrossInstancesShouldOnPostgres(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset Start = new(2026, 4, 7, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApplyAChangeMadeOnAnotherInstanceAtItsNextRefresh()
    {
        var clock = new FakeTimeProvider(Start);
        await using var a = Instance(clock);
        await using var b = Instance(clock);
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        var enforcerB = b.GetRequiredService<QuotaEnforcer>();
        Assert.True(enforcerB.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, 10_000).Allowed);
        Assert.False(enforcerB.Check(tenant, QuotaMetric.ApiRequestsPerMonth).Allowed);

        var quotasA = a.GetRequiredService<QuotaService>();
        var loaded = await quotasA.GetAsync(tenant, Cancellation);
        await quotasA.UpdateAsync(Support, tenant, loaded!.Version, Set(QuotaMetric.ApiRequestsPerMonth, QuotaOverride.To(50_000)), Reason, cancellationToken: Cancellation);
        var staleOnB = enforcerB.Check(tenant, QuotaMetric.ApiRequestsPerMonth);
        clock.Advance(Interval);
        await enforcerB.RefreshAsync(cancellationToken: Cancellation); // B's refresher tick
        var freshOnB = enforcerB.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth);
        var onA = a.GetRequiredService<QuotaEnforcer>().Check(tenant, QuotaMetric.ApiRequestsPerMonth);

        Assert.False(staleOnB.Allowed); // still the old limit until B refreshes: the bound, not a bug
        Assert.True(freshOnB.Allowed);
        Assert.Equal((50_000L, 10_000L), (freshOnB.Limit!.Value, freshOnB.Used));
        // B's usage reached the database with that refresh, so A sees it too.
        Assert.Equal((50_000L, 10_000L), (onA.Limit!.Value, onA.Used));
    }

    [Fact]
    public async Task ApplyAPlanChangeAndASuspensionMadeElsewhereAtTheNextRefresh()
    {
        var clock = new FakeTimeProvider(Start);
        await using var a = Instance(clock);
        await using var b = Instance(clock);
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        var enforcerB = b.GetRequiredService<QuotaEnforcer>();
        Assert.False(enforcerB.Check(tenant, QuotaMetric.ApiRequestsPerSecond, 20).Allowed);

        await a.GetRequiredService<QuotaService>().ChangePlanAsync(Admin, tenant, PlanCatalog.Starter, Reason, 0, cancellationToken: Cancellation);
        await enforcerB.RefreshAsync(cancellationToken: Cancellation);
        var afterPlanChange = enforcerB.Check(tenant, QuotaMetric.ApiRequestsPerSecond, 20);
        await SetStatusAsync(database, tenant, Core.Features.Tenants.TenantStatus.Suspended);
        await enforcerB.RefreshAsync(cancellationToken: Cancellation);

        Assert.True(afterPlanChange.Allowed);
        Assert.Equal(QuotaDenial.TenantSuspended, enforcerB.Check(tenant, QuotaMetric.ApiRequestsPerSecond).Reason);
    }

    [Fact]
    public async Task AddUpMonthlyUsageFromEveryInstance()
    {
        var clock = new FakeTimeProvider(Start);
        await using var a = Instance(clock);
        await using var b = Instance(clock);
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free); // 10,000 requests a month
        var enforcerA = a.GetRequiredService<QuotaEnforcer>();
        var enforcerB = b.GetRequiredService<QuotaEnforcer>();

        Assert.True(enforcerA.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, 6_000).Allowed);
        Assert.True(enforcerB.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, 3_000).Allowed);
        // Each refresh writes what its instance counted and reads back the total; usage from
        // another instance shows up once that instance has refreshed and then this one.
        await enforcerA.RefreshAsync(cancellationToken: Cancellation);
        await enforcerB.RefreshAsync(cancellationToken: Cancellation);
        await enforcerA.RefreshAsync(cancellationToken: Cancellation);

        Assert.Equal(9_000, enforcerA.Check(tenant, QuotaMetric.ApiRequestsPerMonth).Used);
        Assert.Equal(9_000, enforcerB.Check(tenant, QuotaMetric.ApiRequestsPerMonth).Used);
        Assert.False(enforcerA.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, 1_001).Allowed);
        Assert.True(enforcerA.TryConsume(tenant, QuotaMetric.ApiRequestsPerMonth, 1_000).Allowed);
    }

    [Fact]
    public async Task RefreshInTheBackgroundEveryConfiguredInterval()
    {
        var clock = new FakeTimeProvider(Start);
        await using var a = Instance(clock);
        await using var b = Instance(clock);
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);
        var enforcerB = b.GetRequiredService<QuotaEnforcer>();
        var refresherB = b.GetServices<IHostedService>().OfType<QuotaCacheRefreshSweep>().Single();
        var log = b.GetFakeLogCollector();
        Assert.Equal(Interval, b.GetRequiredService<IOptions<QuotaOptions>>().Value.CacheRefreshInterval);
        await refresherB.StartAsync(Cancellation);
        await NextAsync(log, JobLog.SweepStartedEvent); // its timer exists: advancing the clock now reaches it
        try
        {
            Assert.False(enforcerB.Check(tenant, QuotaMetric.Seats, 4).Allowed);

            await a.GetRequiredService<QuotaService>().UpdateAsync(Support, tenant, 0, Set(QuotaMetric.Seats, QuotaOverride.To(10)), Reason, cancellationToken: Cancellation);
            clock.Advance(Interval - TimeSpan.FromMilliseconds(1));
            var beforeTheInterval = enforcerB.Check(tenant, QuotaMetric.Seats, 4);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            await NextAsync(log, JobLog.SweepRanEvent);

            Assert.False(beforeTheInterval.Allowed); // no run has come due yet
            Assert.Equal([Start + Interval], Runs(log));
            Assert.True(enforcerB.Check(tenant, QuotaMetric.Seats, 4).Allowed);
            Assert.Equal(Start + Interval, enforcerB.LastRefreshedAt);
        }
        finally
        {
            await refresherB.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void RefuseAnUnreasonableRefreshInterval()
    {
        using var instance = Instance(new FakeTimeProvider(Start), refreshInterval: "00:00:00");

        var refused = Assert.Throws<OptionsValidationException>(() => instance.GetRequiredService<IOptions<QuotaOptions>>().Value);

        Assert.Contains(nameof(QuotaOptions.CacheRefreshInterval), refused.Message, StringComparison.Ordinal);
    }

    /// <summary>The first record of the refresh sweep with this event name, logged already or yet to come.</summary>
    private static async Task<FakeLogRecord> NextAsync(FakeLogCollector log, string eventName)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await foreach (var record in log.GetLogsAsync(timeout.Token))
        {
            if (IsRefreshSweep(record, eventName))
            {
                return record;
            }
        }

        throw new InvalidOperationException("The log ended.");
    }

    /// <summary>When each run of the refresh sweep finished, on the test's clock.</summary>
    private static List<DateTimeOffset> Runs(FakeLogCollector log) =>
        [.. log.GetSnapshot().Where(r => IsRefreshSweep(r, JobLog.SweepRanEvent)).Select(r => r.Timestamp)];

    private static bool IsRefreshSweep(FakeLogRecord record, string eventName) =>
        record.Category == typeof(QuotaCacheRefreshSweep).FullName && record.Id.Name == eventName;

    /// <summary>
    /// One application instance: its own container, enforcer cache and refresh sweep, the shared
    /// database; its log is kept (<see cref="FakeLogCollector"/>, stamped with <paramref name="clock"/>).
    /// </summary>
    private ServiceProvider Instance(TimeProvider clock, string refreshInterval = "00:00:05")
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Quotas:CacheRefreshInterval"] = refreshInterval })
            .Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug))
            .AddFakeLogging(options => options.TimeProvider = clock)
            .AddSingleton(clock)
            .AddTenancyDatabase(DatabaseProvider.Postgres, database.ConnectionString, AppContext.BaseDirectory)
            .AddSingleton<AuditLog>()
            .AddTenancyQuotas()
            .AddHostedService<QuotaCacheRefreshSweep>()
            .BuildServiceProvider();
    }
}
