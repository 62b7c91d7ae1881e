using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Data.Seeding;

/// <summary>
/// Gives demo tenants a plausible past of usage, so the charts are full on first run: 90 days of
/// API requests and transfer per day (hours for the days hourly retention keeps) with daily and
/// weekly rhythms, growth or decline and noise; a few tenants spiking over their quota in the last
/// days; a few quota raises by "Demo data" in the period (real quota changes, audited, dated in the
/// past); the gauges' levels growing to what the tenants' data holds now. The month's counters are
/// set to the sum of its days, so the enforcer counts what the charts show; the quota pressure is
/// computed at the end. Deterministic per tenant. Re-seeding a tenant replaces its usage (demo
/// and benchmark databases only: it overwrites real counters).
/// </summary>
public sealed class DemoUsageSeeder(IDbContextFactory<TenancyDbContext> contextFactory, TimeProvider? timeProvider = null)
{
    /// <summary>Days of history.</summary>
    public const int Days = 90;

    /// <summary>Share of tenants whose usage spikes over quota in the last days.</summary>
    private const double SpikeShare = 0.02;

    /// <summary>Share of tenants (at most <see cref="MaxQuotaChanges"/>) whose API quota was raised in the period.</summary>
    private const double QuotaChangeShare = 0.02;

    private const int MaxQuotaChanges = 40;

    private static readonly StaffActor DemoActor = new("demo-seed", "Demo data", null, new HashSet<StaffRole> { StaffRole.Admin });

    /// <summary>Business-hours shape of a day (UTC), summing to 1.</summary>
    private static readonly double[] HourShare = HourShares();

    private readonly TimeProvider clock = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// Seeds usage for the showcase tenants and the first <paramref name="tenants"/> other tenants
    /// that are not deleted (by id: the oldest). Returns the number of tenants and day rows written.
    /// </summary>
    public async Task<(int Tenants, long Days)> SeedAsync(int tenants, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tenants);
        var now = clock.GetUtcNow().UtcDateTime;
        List<(Guid Id, string PlanId)> chosen;
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            var showcase = DemoShowcase.All.Select(s => s.Slug).ToList();
            chosen = [.. (await db.Tenants.AsNoTracking().Where(t => showcase.Contains(t.Slug)).Select(t => new { t.Id, t.PlanId }).ToListAsync(cancellationToken))
                .Select(t => (t.Id, t.PlanId))];
            var others = await db.Tenants.AsNoTracking()
                .Where(t => t.Status != TenantStatus.Deleted && !showcase.Contains(t.Slug))
                .OrderBy(t => t.Id)
                .Take(tenants)
                .Select(t => new { t.Id, t.PlanId })
                .ToListAsync(cancellationToken);
            chosen.AddRange(others.Select(o => (o.Id, o.PlanId)));
        }

        // Quota raises first: the counters and days below do not depend on them, the pressure does.
        await RaiseSomeQuotasAsync(chosen, now, cancellationToken);

        long rows = 0;
        foreach (var chunk in chosen.Chunk(2_000))
        {
            rows += await SeedChunkAsync(chunk, now, cancellationToken);
        }

        return (chosen.Count, rows);
    }

    private async Task<long> SeedChunkAsync((Guid Id, string PlanId)[] tenants, DateTime now, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var ids = tenants.Select(t => t.Id).ToList();
        var levels = await TenantDataUsage.ReadManyAsync(db, ids, cancellationToken);
        var days = new List<UsageDayValues>();
        var counters = new Dictionary<(Guid, QuotaMetric, string), long>();
        foreach (var (id, planId) in tenants)
        {
            foreach (var day in Counted(id, planId, now))
            {
                days.Add(day);
                var key = (id, day.Metric, QuotaMetrics.PeriodOf(day.Day));
                counters[key] = counters.GetValueOrDefault(key) + day.Amount;
            }

            days.AddRange(Gauges(id, levels, now));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.UsageDays.Where(d => ids.Contains(d.TenantId)).ExecuteDeleteAsync(cancellationToken);
        await db.UsageBuckets.Where(b => ids.Contains(b.TenantId)).ExecuteDeleteAsync(cancellationToken);
        await db.UsageCounters.Where(c => ids.Contains(c.TenantId)).ExecuteDeleteAsync(cancellationToken);
        if (db.Provider == DatabaseProvider.Postgres)
        {
            await CopyAsync(db, days, cancellationToken);
        }
        else
        {
            await UsageDays.SetAsync(db, days, cancellationToken);
        }

        db.UsageCounters.AddRange(counters.Select(c => new UsageCounter
        {
            TenantId = c.Key.Item1,
            Metric = c.Key.Item2,
            Period = c.Key.Item3,
            Used = c.Value,
            UpdatedAt = now,
        }));
        await db.SaveChangesAsync(cancellationToken);
        await new QuotaPressureUpdater().UpdateAsync(db, ids, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return days.Count;
    }

    /// <summary>API requests and transfer per day (hours within the hourly retention), up to now.</summary>
    private static IEnumerable<UsageDayValues> Counted(Guid tenantId, string planId, DateTime now)
    {
        var random = new Random(tenantId.GetHashCode() ^ DemoDataSeeder.Seed);
        var limit = PlanQuotaDefaults.All.FirstOrDefault(q => q.PlanId == planId && q.Metric == QuotaMetric.ApiRequestsPerMonth)?.DefaultLimit ?? 5_000_000;
        var monthly = limit * (0.08 + random.NextDouble() * 0.7);
        var growth = -0.004 + random.NextDouble() * 0.016;
        var spikes = random.NextDouble() < SpikeShare;
        var spikeDays = random.Next(4, 12);
        var spikeFactor = 3 + random.NextDouble() * 3;
        var bytesPerRequest = 20_000 + random.Next(180_000);
        var hourlyFrom = now.Date.AddDays(-35);
        var today = now.Date;
        for (var d = Days - 1; d >= 0; d--)
        {
            var day = DateTime.SpecifyKind(today.AddDays(-d), DateTimeKind.Utc);
            var perDay = monthly / 30 * Math.Pow(1 + growth, Days - 1 - d);
            perDay *= day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.45 : 1.0;
            if (spikes && d < spikeDays)
            {
                perDay *= spikeFactor;
            }

            var requests = new long?[UsageDay.Hours];
            var transfer = new long?[UsageDay.Hours];
            long requestTotal = 0, transferTotal = 0;
            for (var h = 0; h < UsageDay.Hours; h++)
            {
                if (day.AddHours(h) > now)
                {
                    break;
                }

                var amount = (long)(perDay * HourShare[h] * (0.85 + random.NextDouble() * 0.3));
                var bytes = amount * (long)(bytesPerRequest * (0.9 + random.NextDouble() * 0.2));
                requests[h] = amount;
                transfer[h] = bytes;
                requestTotal += amount;
                transferTotal += bytes;
            }

            var keepHours = day >= hourlyFrom;
            yield return new UsageDayValues(tenantId, QuotaMetric.ApiRequestsPerMonth, day, requestTotal, keepHours ? requests : new long?[UsageDay.Hours]);
            yield return new UsageDayValues(tenantId, QuotaMetric.TransferBytesPerMonth, day, transferTotal, keepHours ? transfer : new long?[UsageDay.Hours]);
        }
    }

    /// <summary>The gauges grew to the tenant's levels now in a few steps over the period (rows only where they changed).</summary>
    private static IEnumerable<UsageDayValues> Gauges(Guid tenantId, Dictionary<(Guid TenantId, QuotaMetric Metric), long> levels, DateTime now)
    {
        var random = new Random(tenantId.GetHashCode() ^ (DemoDataSeeder.Seed + 1));
        foreach (var metric in QuotaMetrics.Gauges)
        {
            var level = levels.GetValueOrDefault((tenantId, metric));
            if (level == 0)
            {
                continue;
            }

            var start = 0.4 + random.NextDouble() * 0.5;
            long last = -1;
            for (var d = Days - 1; d >= 0; d -= random.Next(5, 15))
            {
                var value = (long)Math.Round(level * (start + (1 - start) * (Days - 1 - d) / (Days - 1.0)));
                if (value != last)
                {
                    last = value;
                    yield return Level(tenantId, metric, now.Date.AddDays(-d), value);
                }
            }

            if (last != level)
            {
                yield return Level(tenantId, metric, now.Date, level);
            }
        }
    }

    private static UsageDayValues Level(Guid tenantId, QuotaMetric metric, DateTime day, long value) =>
        new(tenantId, metric, DateTime.SpecifyKind(day, DateTimeKind.Utc), value, new long?[UsageDay.Hours]);

    /// <summary>A few tenants had their API quota raised by "Demo data" some weeks ago: real, audited changes, dated then.</summary>
    private async Task RaiseSomeQuotasAsync(List<(Guid Id, string PlanId)> tenants, DateTime now, CancellationToken cancellationToken)
    {
        var random = new Random(DemoDataSeeder.Seed + 2);
        var count = Math.Min(MaxQuotaChanges, (int)Math.Ceiling(tenants.Count * QuotaChangeShare));
        foreach (var (id, planId) in tenants.Where(t => t.PlanId != PlanCatalogEnterprise).Take(count))
        {
            var at = new DateTimeOffset(now.AddDays(-random.Next(10, 60)).AddMinutes(-random.Next(600)), TimeSpan.Zero);
            var past = new PastClock(at);
            var service = new QuotaService(contextFactory, new AuditLog(contextFactory, past), past,
                new QuotaEnforcer(contextFactory, new UsageMeter(contextFactory, past), past), NullLogger<QuotaService>.Instance);
            var quotas = await service.GetAsync(id, cancellationToken);
            var current = quotas?.Lines.FirstOrDefault(l => l.Metric == QuotaMetric.ApiRequestsPerMonth)?.EffectiveLimit;
            if (quotas is null || current is not { } limit || quotas.Lines.Any(l => l.Override.Kind != QuotaOverrideKind.Inherit))
            {
                continue; // already overridden (a re-seed): leave it
            }

            await service.UpdateAsync(DemoActor, id, quotas.Version,
                new Dictionary<QuotaMetric, QuotaOverride> { [QuotaMetric.ApiRequestsPerMonth] = QuotaOverride.To(limit * 2) },
                "Demo data: raised for a seasonal peak", cancellationToken: cancellationToken);
        }
    }

    private const string PlanCatalogEnterprise = Features.Plans.PlanCatalog.Enterprise;

    private static async Task CopyAsync(TenancyDbContext db, List<UsageDayValues> days, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var columns = string.Join(", ", Enumerable.Range(0, UsageDay.Hours).Select(UsageDay.HourColumn));
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY usage_days (tenant_id, metric, day, amount, {columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var day in days)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(day.TenantId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(day.Metric.ToString(), NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(day.Day, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(day.Amount, NpgsqlDbType.Bigint, cancellationToken);
            foreach (var hour in day.Hours)
            {
                if (hour is { } value)
                {
                    await importer.WriteAsync(value, NpgsqlDbType.Bigint, cancellationToken);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken);
                }
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static double[] HourShares()
    {
        var weights = Enumerable.Range(0, UsageDay.Hours).Select(h => 0.25 + Math.Exp(-Math.Pow((h - 14) / 4.0, 2))).ToArray();
        var total = weights.Sum();
        return [.. weights.Select(w => w / total)];
    }

    /// <summary>A clock stopped at a moment in the past, for changes the demo dates then.</summary>
    private sealed class PastClock(DateTimeOffset at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => at;
    }
}
