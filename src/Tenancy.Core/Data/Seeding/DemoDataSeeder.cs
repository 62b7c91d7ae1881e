using System.Collections.ObjectModel;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Tenancy.Core.Data.Seeding;

/// <summary>What a seeding run did.</summary>
public sealed record SeedReport(long Tenants, long TenantDataRows, TimeSpan Elapsed)
{
    public double TenantsPerSecond => Tenants / Math.Max(Elapsed.TotalSeconds, 0.001);

    /// <summary>Rows written to <c>tenant_billing</c> and <c>suspensions</c> (not counted in <see cref="TenantDataRows"/>).</summary>
    public long BillingRows { get; init; }

    /// <summary>The steps of the run in order (load, index builds, vacuum, ...), for logs and benchmarks.</summary>
    public IReadOnlyList<SeedPhase> Phases { get; init; } = [];
}

/// <summary>One step of a seeding run: how long it took and how many rows it wrote (0 for index builds and the like).</summary>
public sealed record SeedPhase(string Name, TimeSpan Elapsed, long Rows)
{
    public double RowsPerSecond => Rows / Math.Max(Elapsed.TotalSeconds, 0.001);
}

/// <summary>
/// Adds realistic demo tenants (and, for a few percent of them, members, projects, items and
/// settings) to the database, with billing state that matches their status: PastDue tenants
/// have a past-due <c>tenant_billing</c> row inside its grace period, Suspended tenants an
/// active suspension (billing or manual), a few tenants a lifted one in their history
/// (<see cref="DemoAccountGenerator"/>). The data is deterministic: it depends only on <see cref="Seed"/>,
/// the number of tenants asked for, the number seeded before and the clock (a
/// <see cref="TimeProvider"/>). Slug suffixes and Stripe ids are unique across runs: they encode
/// each tenant's position in the whole data set, which continues from the number of rows already
/// in <c>tenant_slugs</c> (so a run after slugs were deleted can collide, and then fails as a
/// whole on PostgreSQL, or from the colliding batch on SQLite).
/// </summary>
/// <remarks>
/// PostgreSQL (<see cref="PostgresDemoLoader"/>): binary COPY in one transaction; a large load
/// into an empty catalog sets aside the secondary indexes of <c>tenants</c> and
/// <c>tenant_slugs</c> and the foreign keys of the loaded tables, rebuilds them from their own
/// definitions afterwards, then vacuums and analyses. SQLite (<see cref="SqliteDemoLoader"/>):
/// prepared INSERTs re-bound per row; into an empty catalog one transaction with the indexes
/// built at the end, otherwise <see cref="SqliteDemoLoader.TenantsPerTransaction"/> tenants per
/// transaction. Measured rates: docs/benchmarks.md. Both set change capture aside inside their
/// transactions and record a history start for each tenant they give data (decision 0005), so a
/// seed does not fill the change log and a restore cannot reach back before it. After the load,
/// the showcase tenants of a first run (<see cref="DemoShowcase"/>: Acme Imports, Bluebird
/// Studio) get a recent past written through the capture triggers (<see cref="DemoShowcaseHistory"/>),
/// so a newcomer has a real mistake to restore from.
/// </remarks>
public sealed partial class DemoDataSeeder(
    IDbContextFactory<TenancyDbContext> contextFactory,
    TimeProvider? timeProvider = null,
    ILogger<DemoDataSeeder>? logger = null)
{
    /// <summary>Seed of the demo data's random numbers.</summary>
    public const int Seed = 20_261_123;

    /// <summary>The tenants given a past of usage when the caller does not say: 1 % of those seeded, at most 10,000 (plus the showcase tenants).</summary>
    public static int DefaultUsageTenants(int tenants) => Math.Min(10_000, tenants / 100);

    /// <summary>
    /// Adds <paramref name="tenants"/> demo tenants; reports the number of tenants written so far
    /// through <paramref name="progress"/>. <paramref name="usageTenants"/> of them (and the
    /// showcase tenants) get 90 days of usage (<see cref="DemoUsageSeeder"/>; default
    /// <see cref="DefaultUsageTenants"/>).
    /// </summary>
    public async Task<SeedReport> SeedAsync(int tenants, CancellationToken cancellationToken = default, IProgress<long>? progress = null, int? usageTenants = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tenants);
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var phases = new SeedPhaseLog(phase =>
        {
            if (logger is not null)
            {
                LogPhase(logger, phase.Name, phase.Elapsed.TotalSeconds, phase.Rows);
            }
        });
        var total = Stopwatch.StartNew();
        SeedReport report;
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            report = db.Provider == DatabaseProvider.Postgres
                ? await PostgresDemoLoader.LoadAsync(db, tenants, Seed, now, phases, progress, cancellationToken)
                : await SqliteDemoLoader.LoadAsync(db, tenants, Seed, now, phases, progress, cancellationToken);
        }

        var history = Stopwatch.StartNew();
        var changes = await new DemoShowcaseHistory(contextFactory, now).WriteAsync(cancellationToken);
        if (changes > 0)
        {
            phases.Add(new SeedPhase("captured history of the showcase tenants", history.Elapsed, changes));
        }

        var usage = Stopwatch.StartNew();
        var (usageTenantCount, usageDays) = await new DemoUsageSeeder(contextFactory, timeProvider).SeedAsync(usageTenants ?? DefaultUsageTenants(tenants), cancellationToken);
        phases.Add(new SeedPhase($"90 days of usage for {usageTenantCount:N0} tenants", usage.Elapsed, usageDays));

        return report with { Elapsed = total.Elapsed, Phases = [.. phases] };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data: {Phase} took {Seconds:F1} s ({Rows} rows)")]
    private static partial void LogPhase(ILogger logger, string phase, double seconds, long rows);
}

/// <summary>The phases of a seeding run, announced as they complete (a large load takes minutes).</summary>
internal sealed class SeedPhaseLog(Action<SeedPhase> completed) : Collection<SeedPhase>
{
    protected override void InsertItem(int index, SeedPhase item)
    {
        base.InsertItem(index, item);
        completed(item);
    }
}
