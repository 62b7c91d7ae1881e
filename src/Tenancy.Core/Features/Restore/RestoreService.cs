using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Restore;

/// <summary>What staff ask for: rewind the tenant to <see cref="PointInTime"/> (UTC), confirmed by typing its slug, with a reason.</summary>
public sealed record RestoreRequest(Guid TenantId, DateTime PointInTime, string Reason, string ConfirmSlug);

/// <summary>
/// Per-tenant point-in-time restores, staff side (decision 0005). Anyone with
/// <see cref="StaffCapability.View"/> sees a tenant's restore window, change activity and restore
/// history; previews, restores and undos need <see cref="StaffCapability.Restore"/> (Admin),
/// checked here on the server. A request is checked (window, slug, reason, nothing already
/// queued or running), previewed for its expected size, and queued as a <see cref="RestoreJob"/>
/// in one transaction with its audit entry; the tenant is marked restoring from then on, so the
/// enforcer refuses its writes (they would be undone anyway). A <see cref="RestoreWorker"/> runs it.
/// </summary>
public sealed class RestoreService(
    IDbContextFactory<TenancyDbContext> contextFactory,
    TenantRewind rewind,
    AuditLog audit,
    RestoreSignal signal,
    TimeProvider clock,
    IEnumerable<ITenantAccessObserver> observers)
{
    public const int HistoryLimit = 50;

    /// <summary>How far back the tenant can be restored now.</summary>
    public Task<RestoreWindow> GetWindowAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
        rewind.GetWindowAsync(tenantId, cancellationToken);

    /// <summary>The tenant's restores and undos, newest first.</summary>
    public async Task<IReadOnlyList<RestoreJob>> GetHistoryAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.RestoreJobs.AsNoTracking()
            .Where(j => j.TenantId == tenantId)
            .OrderByDescending(j => j.RequestedAt).ThenByDescending(j => j.Id)
            .Take(HistoryLimit)
            .ToListAsync(cancellationToken);
    }

    /// <summary>The tenant's captured changes between <paramref name="from"/> and <paramref name="to"/> (UTC), counted per bucket and table.</summary>
    /// <exception cref="ArgumentException">An empty range, or more than <see cref="ChangeActivity.MaxBuckets"/> buckets.</exception>
    public async Task<ChangeActivity> GetActivityAsync(Guid tenantId, DateTime from, DateTime to, ActivityBucket bucket, CancellationToken cancellationToken = default)
    {
        from = DateTime.SpecifyKind(from, DateTimeKind.Utc);
        to = DateTime.SpecifyKind(to, DateTimeKind.Utc);
        if (to <= from)
        {
            throw new ArgumentException("The end of the range must be after its start.", nameof(to));
        }

        if ((to - from) / ChangeActivity.Width(bucket) > ChangeActivity.MaxBuckets)
        {
            throw new ArgumentException($"Choose a wider bar or a shorter range: at most {ChangeActivity.MaxBuckets:N0} bars.", nameof(bucket));
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var points = new List<ActivityPoint>();

        // PostgreSQL truncates the time; SQLite keeps change times as text 'yyyy-MM-dd HH:mm:ss.fff', whose prefix is the bucket.
        var bucketSql = db.Provider == DatabaseProvider.Postgres
            ? $"date_trunc('{bucket switch { ActivityBucket.Minute => "minute", ActivityBucket.Hour => "hour", _ => "day" }}', changed_at AT TIME ZONE 'UTC')"
            : $"substr(changed_at, 1, {bucket switch { ActivityBucket.Minute => 16, ActivityBucket.Hour => 13, _ => 10 }})";
        await using var command = TenantRewind.Command(
            db,
            $"SELECT {bucketSql} AS bucket, table_name, sum(row_count) FROM tenant_changes " +
            "WHERE tenant_id = @tenant AND changed_at >= @from AND changed_at < @to AND op <> 'L' GROUP BY 1, 2 ORDER BY 1, 2",
            tenantId,
            since: null,
            ("from", ChangeCaptureSql.LogTime(db.Provider, from)),
            ("to", ChangeCaptureSql.LogTime(db.Provider, to)));
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var start = reader.GetValue(0) switch
            {
                DateTime time => DateTime.SpecifyKind(time, DateTimeKind.Utc),
                var text => ParseBucket(Convert.ToString(text, CultureInfo.InvariantCulture)!),
            };
            points.Add(new ActivityPoint(start, reader.GetString(1), Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture)));
        }

        return new ChangeActivity(from, to, bucket, points);
    }

    /// <summary>What restoring the tenant to <paramref name="pointInTime"/> would do; changes nothing.</summary>
    /// <exception cref="StaffForbiddenException">The actor may not restore.</exception>
    /// <exception cref="RestoreRefusedException">The moment cannot be restored to, or no such tenant.</exception>
    public Task<RewindResult> PreviewAsync(StaffActor actor, Guid tenantId, DateTime pointInTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.Restore);
        return rewind.PreviewAsync(tenantId, pointInTime, cancellationToken);
    }

    /// <summary>What undoing <paramref name="jobId"/> would do; changes nothing.</summary>
    public async Task<RewindResult> PreviewUndoAsync(StaffActor actor, Guid tenantId, Guid jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.Restore);
        var point = await UndoPointAsync(tenantId, jobId, cancellationToken);
        return await rewind.PreviewAsync(tenantId, point, cancellationToken);
    }

    /// <summary>Queues a restore of the tenant to the requested moment.</summary>
    /// <exception cref="StaffForbiddenException">The actor may not restore.</exception>
    /// <exception cref="RestoreRefusedException">Refused, with the reason in words; nothing was changed.</exception>
    public async Task<RestoreJob> RequestAsync(StaffActor actor, RestoreRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.Demand(StaffCapability.Restore);
        return await QueueAsync(actor, request, RestoreJobKind.Restore, undoes: null, cancellationToken);
    }

    /// <summary>
    /// Queues the undo of a finished restore: a rewind to the moment just before it. Only the
    /// tenant's latest finished restore can be undone (undoing an older one would also undo the
    /// ones after it; undo those first), and only once.
    /// </summary>
    /// <exception cref="StaffForbiddenException">The actor may not restore.</exception>
    /// <exception cref="RestoreRefusedException">Refused, with the reason in words; nothing was changed.</exception>
    public async Task<RestoreJob> RequestUndoAsync(StaffActor actor, Guid tenantId, Guid jobId, string reason, string confirmSlug, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(StaffCapability.Restore);
        var point = await UndoPointAsync(tenantId, jobId, cancellationToken);
        return await QueueAsync(actor, new RestoreRequest(tenantId, point, reason, confirmSlug), RestoreJobKind.Undo, jobId, cancellationToken);
    }

    private async Task<RestoreJob> QueueAsync(StaffActor actor, RestoreRequest request, RestoreJobKind kind, Guid? undoes, CancellationToken cancellationToken)
    {
        if (AuditLog.ValidateReason(request.Reason) is { } reasonError)
        {
            throw new RestoreRefusedException(reasonError);
        }

        var pointInTime = DateTime.SpecifyKind(request.PointInTime, DateTimeKind.Utc);
        var slug = await TenantSlugAsync(request.TenantId, cancellationToken);
        if (!string.Equals(request.ConfirmSlug?.Trim(), slug, StringComparison.OrdinalIgnoreCase))
        {
            throw new RestoreRefusedException($"Type the tenant's slug, {slug}, to confirm.");
        }

        // The same checks the worker makes (window, future, unknown tenant), and the size the history shows.
        var preview = await rewind.PreviewAsync(request.TenantId, pointInTime, cancellationToken);
        if (preview.Total == 0)
        {
            throw new RestoreRefusedException(
                $"Nothing in the tenant's data changed after {pointInTime:yyyy-MM-dd HH:mm:ss} UTC: it is already as it was then.");
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await TenantAccessLock.TakeAsync(db, request.TenantId, cancellationToken);
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Id == request.TenantId, cancellationToken)
            ?? throw new RestoreRefusedException($"No tenant has the id {request.TenantId}.");
        if (tenant.Status == TenantStatus.Deleted)
        {
            throw new RestoreRefusedException("The tenant is deleted.");
        }

        if (await ActiveJobAsync(db, request.TenantId, cancellationToken) is { } active)
        {
            throw AlreadyRunning(active);
        }

        var job = new RestoreJob
        {
            TenantId = request.TenantId,
            Kind = kind,
            PointInTime = pointInTime,
            UndoesJobId = undoes,
            Reason = request.Reason.Trim(),
            RequestedBy = actor.Name,
            RequestedBySubject = actor.Subject,
            RequestedAt = clock.GetUtcNow().UtcDateTime,
            ExpectedRows = preview.Total,
            State = RestoreJobState.Queued,
        };
        db.RestoreJobs.Add(job);
        tenant.RestoreJobId = job.Id;
        audit.Record(db, actor, RestoreAuditActions.Requested, request.TenantId, before: null,
            after: new { JobId = job.Id, Kind = kind.ToString(), PointInTime = pointInTime, UndoesJobId = undoes, preview.Deleted, preview.Reinserted, preview.Changed },
            reason: job.Reason);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique index on unfinished jobs: another request for this tenant won the race.
            await using var fresh = await contextFactory.CreateDbContextAsync(cancellationToken);
            if (await ActiveJobAsync(fresh, request.TenantId, cancellationToken) is { } winner)
            {
                throw AlreadyRunning(winner);
            }

            throw;
        }

        await observers.NotifyAsync(request.TenantId, cancellationToken);
        signal.Wake();
        return job;
    }

    /// <summary>The moment just before the job's rewind, after checking the job may be undone.</summary>
    private async Task<DateTime> UndoPointAsync(Guid tenantId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.RestoreJobs.AsNoTracking().FirstOrDefaultAsync(j => j.TenantId == tenantId && j.Id == jobId, cancellationToken)
            ?? throw new RestoreRefusedException("That restore does not belong to this tenant.");
        if (job.State != RestoreJobState.Succeeded || job.RewoundAt is not { } rewoundAt)
        {
            throw new RestoreRefusedException("Only a finished restore can be undone.");
        }

        var later = await db.RestoreJobs.AsNoTracking()
            .Where(j => j.TenantId == tenantId && j.Id != jobId && j.RequestedAt >= job.RequestedAt && j.State != RestoreJobState.Failed)
            .OrderByDescending(j => j.RequestedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (later is not null)
        {
            throw new RestoreRefusedException(later.UndoesJobId == jobId
                ? "This restore was already undone."
                : $"A later restore ({later.Kind.ToString().ToLowerInvariant()} requested by {later.RequestedBy} at {later.RequestedAt:yyyy-MM-dd HH:mm} UTC) came after it; undo that one first.");
        }

        return TenantRewind.JustBefore(DateTime.SpecifyKind(rewoundAt, DateTimeKind.Utc), db.Provider);
    }

    private async Task<string> TenantSlugAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Slug).FirstOrDefaultAsync(cancellationToken)
            ?? throw new RestoreRefusedException($"No tenant has the id {tenantId}.");
    }

    private static Task<RestoreJob?> ActiveJobAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken) =>
        db.RestoreJobs.AsNoTracking()
            .Where(j => j.TenantId == tenantId && (j.State == RestoreJobState.Queued || j.State == RestoreJobState.Running))
            .FirstOrDefaultAsync(cancellationToken);

    private static RestoreRefusedException AlreadyRunning(RestoreJob active) =>
        new($"A restore of this tenant is already {active.State.ToString().ToLowerInvariant()} (requested by {active.RequestedBy} at {active.RequestedAt:yyyy-MM-dd HH:mm} UTC); wait for it to finish.");

    private static DateTime ParseBucket(string text) => DateTime.SpecifyKind(
        DateTime.ParseExact(text, ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None),
        DateTimeKind.Utc);
}
