using System.Data;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Features.Quotas;

/// <summary>
/// A tenant's usage of one metric over a range, against its quota over the same range: the days
/// (and their hours) the rollup keeps, plus the minute buckets it has not reached yet, so a chart
/// is as fresh as the last flush; the limit's steps and who changed it, from the audit log; and
/// when usage reaches the limit at its recent rate. All reads of usage are one snapshot
/// (repeatable read), so a rollup running meanwhile neither hides nor doubles a bucket.
/// </summary>
public sealed class UsageCharts(IDbContextFactory<TenancyDbContext> contextFactory, UsageGauges gauges, TimeProvider clock)
{
    /// <summary>
    /// The most points a chart gets. The ranges' resolutions keep every series under it (the
    /// longest is 30 days of hours: 720 points), so nothing is merged; a test holds every range to it.
    /// </summary>
    public const int MaxPoints = 2_000;

    /// <summary>The chart, or null when the tenant does not exist.</summary>
    public async Task<UsageChart?> ReadAsync(Guid tenantId, QuotaMetric metric, UsageRange range, CancellationToken cancellationToken = default)
    {
        if (!QuotaMetrics.IsDefined(metric) || metric.Info().Kind == QuotaKind.Rate)
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Only counted metrics and gauges have usage charts.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var (from, last) = range.Window(now);
        var resolution = range.Resolution();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // A reader of its own per chart: the plans' defaults as they are now (the enforcer's cache
        // refreshes them; a reader kept here would keep the first ones for the life of the process).
        var limits = (await new QuotaLimitsReader().ReadAsync(db, [tenantId], async: true, cancellationToken))[tenantId];
        if (!limits.Exists)
        {
            return null;
        }

        var limit = limits.Values[(int)metric] is var l && l == QuotaEnforcer.Unlimited ? (long?)null : l;
        List<UsagePoint> points;
        long usedNow;
        DateTime? projected;
        await using (var transaction = await db.Database.BeginTransactionAsync(
            db.Provider == DatabaseProvider.Postgres ? IsolationLevel.RepeatableRead : IsolationLevel.Serializable, cancellationToken))
        {
            (points, usedNow, projected) = metric.Info().Kind == QuotaKind.MonthlyCounter
                ? await CountedAsync(db, tenantId, metric, resolution, from, last, now, limit, cancellationToken)
                : await GaugeAsync(db, tenantId, metric, resolution, from, last, now, limit, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var (steps, markers) = await QuotaHistoryAsync(db, tenantId, metric, limit, from, cancellationToken);
        return new UsageChart(tenantId, metric, range, resolution, points, steps, markers, usedNow, limit, projected, now);
    }

    /// <summary>Counts the tenant's gauges now, then reads the chart (staff opened the tenant's usage).</summary>
    public async Task<UsageChart?> ReadFreshAsync(Guid tenantId, QuotaMetric metric, UsageRange range, CancellationToken cancellationToken = default)
    {
        if (metric.Info().Kind == QuotaKind.TenantData)
        {
            await gauges.SnapshotAsync(tenantId, cancellationToken);
        }

        return await ReadAsync(tenantId, metric, range, cancellationToken);
    }

    private static async Task<(List<UsagePoint>, long, DateTime?)> CountedAsync(
        TenancyDbContext db, Guid tenantId, QuotaMetric metric, UsageResolution resolution, DateTime from, DateTime last, DateTime now, long? limit,
        CancellationToken cancellationToken)
    {
        var step = resolution.Step();
        var end = last + step;
        var monthStart = QuotaMetrics.MonthOf(from).Start;
        var readFrom = new[] { monthStart, QuotaProjection.RateWindowStart(now) }.Min();

        // Per minute-bucket start, what was used: from the days (and hours), plus buckets not yet rolled up.
        // Resolution 5 minutes reads every bucket of its days (rolled or not) instead of their days.
        var rawFrom = resolution == UsageResolution.FiveMinutes ? from.Date : DateTime.MaxValue;
        var amounts = new SortedDictionary<DateTime, long>();
        void Add(DateTime at, long amount) => amounts[at] = amounts.GetValueOrDefault(at) + amount;

        var withHours = resolution != UsageResolution.Day;
        foreach (var day in await UsageDays.ReadAsync(db, tenantId, metric, readFrom.Date, now.Date, withHours, cancellationToken))
        {
            if (day.Day >= rawFrom)
            {
                continue;
            }

            if (withHours && day.Hours.Any(h => h is not null))
            {
                for (var h = 0; h < UsageDay.Hours; h++)
                {
                    if (day.Hours[h] is { } amount)
                    {
                        Add(day.Day.AddHours(h), amount);
                    }
                }
            }
            else
            {
                Add(day.Day, day.Amount);
            }
        }

        var pendingFrom = readFrom.Date;
        var tail = db.UsageBuckets.AsNoTracking().Where(b => b.TenantId == tenantId && b.Metric == metric && b.Minute >= pendingFrom);
        tail = resolution == UsageResolution.FiveMinutes
            ? tail.Where(b => b.RolledUpAt == null || b.Minute >= rawFrom)
            : tail.Where(b => b.RolledUpAt == null);
        foreach (var bucket in await tail.Select(b => new { b.Minute, b.Amount }).ToListAsync(cancellationToken))
        {
            Add(bucket.Minute, bucket.Amount);
        }

        // Month to date at the end of each point; what was used per point.
        var points = new List<UsagePoint>();
        var monthToDate = 0L;
        var month = QuotaMetrics.MonthOf(readFrom).Start;
        using var source = amounts.GetEnumerator();
        var hasNext = source.MoveNext();
        for (var at = from; at < end; at += step)
        {
            var used = 0L;
            while (hasNext && source.Current.Key < at + step)
            {
                var (time, amount) = (source.Current.Key, source.Current.Value);
                var itsMonth = QuotaMetrics.MonthOf(time).Start;
                if (itsMonth != month)
                {
                    month = itsMonth;
                    monthToDate = 0;
                }

                monthToDate += amount;
                if (time >= at)
                {
                    used += amount;
                }

                hasNext = source.MoveNext();
            }

            if (QuotaMetrics.MonthOf(at + step - TimeSpan.FromTicks(1)).Start != month)
            {
                month = QuotaMetrics.MonthOf(at + step - TimeSpan.FromTicks(1)).Start;
                monthToDate = 0;
            }

            points.Add(new UsagePoint(at, used, monthToDate));
        }

        var thisMonth = QuotaMetrics.MonthOf(now).Start;
        var usedNow = amounts.Where(a => a.Key >= thisMonth).Sum(a => a.Value);
        var rateFrom = QuotaProjection.RateWindowStart(now);
        var recent = amounts.Where(a => a.Key >= rateFrom).Sum(a => a.Value);
        var projected = limit is { } finite ? QuotaProjection.Counted(usedNow, finite, recent, now) : null;
        return (points, usedNow, projected);
    }

    private static async Task<(List<UsagePoint>, long, DateTime?)> GaugeAsync(
        TenancyDbContext db, Guid tenantId, QuotaMetric metric, UsageResolution resolution, DateTime from, DateTime last, DateTime now, long? limit,
        CancellationToken cancellationToken)
    {
        var step = resolution.Step();
        var readFrom = new[] { from.Date, now.Date.AddDays(-QuotaProjection.GaugeGrowthDays) }.Min();
        var before = await UsageDays.ReadLastBeforeAsync(db, tenantId, metric, readFrom, cancellationToken);
        var days = await UsageDays.ReadAsync(db, tenantId, metric, readFrom, now.Date, withHours: true, cancellationToken);

        // The level from each snapshot on: a day's hours where kept, else the day's level from its start.
        var levels = new SortedDictionary<DateTime, long>();
        if (before is not null)
        {
            levels[before.Day] = before.Amount;
        }

        foreach (var day in days)
        {
            if (day.Hours.All(h => h is null))
            {
                levels[day.Day] = day.Amount;
                continue;
            }

            for (var h = 0; h < UsageDay.Hours; h++)
            {
                if (day.Hours[h] is { } level)
                {
                    levels[day.Day.AddHours(h)] = level;
                }
            }
        }

        long? LevelAt(DateTime at)
        {
            long? result = null;
            foreach (var (time, level) in levels)
            {
                if (time >= at)
                {
                    break;
                }

                result = level;
            }

            return result;
        }

        var points = new List<UsagePoint>();
        for (var at = from; at <= last; at += step)
        {
            var level = LevelAt(at + step);
            points.Add(new UsagePoint(at, level, level));
        }

        var usedNow = levels.Count == 0 ? 0 : levels.Last().Value;
        var levelBefore = LevelAt(now.Date.AddDays(-QuotaProjection.GaugeGrowthDays).AddTicks(1)) ?? levels.FirstOrDefault().Value;
        var projected = limit is { } finite ? QuotaProjection.Gauge(usedNow, levelBefore, finite, now) : null;
        return (points, usedNow, projected);
    }

    /// <summary>The limit's steps over the range and the changes that made them, from <c>quota.changed</c> and <c>plan.changed</c> entries.</summary>
    private static async Task<(List<QuotaStep>, List<QuotaChangeMarker>)> QuotaHistoryAsync(
        TenancyDbContext db, Guid tenantId, QuotaMetric metric, long? limitNow, DateTime from, CancellationToken cancellationToken)
    {
        var entries = await db.AuditLog.AsNoTracking()
            .Where(e => e.TenantId == tenantId && e.OccurredAt >= from
                && (e.Action == QuotaService.QuotaChangedAction || e.Action == QuotaService.PlanChangedAction))
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.Id)
            .ToListAsync(cancellationToken);
        var markers = new List<QuotaChangeMarker>();
        foreach (var entry in entries)
        {
            if (LimitIn(entry.Before, entry.Action, metric) is { } before && LimitIn(entry.After, entry.Action, metric) is { } after && before != after)
            {
                markers.Add(new QuotaChangeMarker(entry.OccurredAt, entry.ActorName, entry.Action, before.Limit, after.Limit, entry.Reason));
            }
        }

        var steps = new List<QuotaStep> { new(from, markers.Count > 0 ? markers[0].Before : limitNow) };
        steps.AddRange(markers.Select(m => new QuotaStep(m.At, m.After)));
        return (steps, markers);
    }

    /// <summary>The metric's limit in an audit entry's before or after (null: the entry does not name the metric).</summary>
    internal static LimitValue? LimitIn(string? json, string action, QuotaMetric metric)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var limits = action == QuotaService.PlanChangedAction
                ? document.RootElement.TryGetProperty("limits", out var l) ? l : default
                : document.RootElement;
            if (limits.ValueKind != JsonValueKind.Object || !limits.TryGetProperty(metric.ToString(), out var line)
                || !line.TryGetProperty("limit", out var value))
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.Number ? new LimitValue(value.GetInt64()) : new LimitValue(null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A limit as the audit log recorded it (null: unlimited).</summary>
    internal readonly record struct LimitValue(long? Limit);
}
