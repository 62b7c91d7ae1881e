using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Jobs;

namespace Tenancy.Core.Features.Restore;

/// <summary>
/// Runs queued restore jobs (decision 0005), one at a time, for the <see cref="RestoreWorker"/>.
/// <list type="number">
/// <item>Claim: the oldest queued job, or a running one whose lease ran out (its worker died),
/// with <see cref="QueueClaims.ClaimAsync{T}"/>; mark it running with a fresh lease; commit.</item>
/// <item>Rewind: one transaction that first locks the job row (so no other worker takes it over
/// however long it runs), rewinds the tenant (<see cref="TenantRewind.RewindWithinAsync"/>), and
/// records the outcome, clears the tenant's restoring mark and audits, all committed together.
/// A process killed here leaves the tenant's data untouched: the transaction never commits.</item>
/// <item>Failure: a refused or failed rewind changed nothing; the job is marked failed with the
/// reason in words, and the tenant is no longer restoring. A job whose workers died
/// <see cref="RestoreOptions.MaxAttempts"/> times is failed the same way.</item>
/// </list>
/// </summary>
public sealed partial class RestoreJobRunner(
    IDbContextFactory<TenancyDbContext> contextFactory,
    TenantRewind rewind,
    AuditLog audit,
    IOptions<RestoreOptions> options,
    TimeProvider clock,
    IEnumerable<ITenantAccessObserver> observers,
    ILogger<RestoreJobRunner> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs every job that is due; returns how many it took.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        while (await ClaimAsync(cancellationToken) is { } job)
        {
            handled++;
            if (job.State == RestoreJobState.Running)
            {
                await RunAsync(job, cancellationToken);
            }
        }

        return handled;
    }

    /// <summary>Takes the next due job and marks it running (or, past its attempts, failed); null when none is due.</summary>
    private async Task<RestoreJob?> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.ClaimAsync<RestoreJob>(
            $"state IN ('Queued', 'Running') AND (state = 'Queued' OR lease_until <= {now})", "requested_at, id", 1, cancellationToken);
        if (claimed is not [var job])
        {
            return null;
        }

        if (job.State == RestoreJobState.Running && job.Attempts >= options.Value.MaxAttempts)
        {
            LogAbandoned(job.Id, job.TenantId, job.Attempts);
            await FinishFailedAsync(db, job,
                $"The worker running this restore stopped {job.Attempts} times before it finished; nothing was changed. Request it again.", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await observers.NotifyAsync(job.TenantId, cancellationToken);
            return job;
        }

        if (job.State == RestoreJobState.Running)
        {
            LogTakenOver(job.Id, job.TenantId, job.Attempts);
        }

        job.State = RestoreJobState.Running;
        job.Attempts++;
        job.StartedAt ??= now;
        job.LeaseUntil = now + options.Value.JobLease;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return job;
    }

    private async Task RunAsync(RestoreJob claimed, CancellationToken cancellationToken)
    {
        string error;
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await LockAsync(db, claimed, cancellationToken) is not { } job)
            {
                LogLost(claimed.Id, claimed.TenantId);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var applied = await rewind.RewindWithinAsync(db, job.TenantId, job.PointInTime, Truncate($"{job.RequestedBy} (restore)", 200), cancellationToken);
            var result = applied.Result;
            job.State = RestoreJobState.Succeeded;
            job.LeaseUntil = null;
            job.FinishedAt = clock.GetUtcNow().UtcDateTime;
            job.RewoundAt = applied.RewoundAt;
            job.DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            job.Deleted = result.Deleted;
            job.Reinserted = result.Reinserted;
            job.Changed = result.Changed;
            job.Tables = JsonSerializer.Serialize(result.Tables.Select(t => new { t.Table, t.Deleted, t.Reinserted, t.Changed }), Json);
            await ClearRestoringAsync(db, job, cancellationToken);
            audit.Record(db, Requester(job), RestoreAuditActions.Completed, job.TenantId, before: null,
                after: new { JobId = job.Id, Kind = job.Kind.ToString(), job.PointInTime, job.Deleted, job.Reinserted, job.Changed, job.DurationMs },
                reason: job.Reason);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogSucceeded(job.Id, job.TenantId, result.Total, job.DurationMs.Value);
            await observers.NotifyAsync(job.TenantId, cancellationToken);
            return;
        }
        catch (RestoreRefusedException ex)
        {
            error = ex.Message;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the rewind rolled back; the job stays running until its lease runs
            // out and a worker (this one restarted, or another) takes it again.
            throw;
        }
        catch (Exception ex)
        {
            LogFailed(ex, claimed.Id, claimed.TenantId);
            error = $"The restore failed and changed nothing: {Innermost(ex).Message}";
        }

        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (await LockAsync(db, claimed, cancellationToken) is not { } job)
            {
                return;
            }

            await FinishFailedAsync(db, job, error, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await observers.NotifyAsync(claimed.TenantId, cancellationToken);
    }

    /// <summary>
    /// Holds the job row for the transaction (PostgreSQL; SQLite's write transaction already
    /// excludes other workers) and returns it, or null if it is no longer this claim's: another
    /// worker took it over after this one's lease ran out.
    /// </summary>
    private static async Task<RestoreJob?> LockAsync(TenancyDbContext db, RestoreJob claimed, CancellationToken cancellationToken)
    {
        var query = db.Provider == DatabaseProvider.Postgres
            ? db.RestoreJobs.FromSql($"SELECT * FROM restore_jobs WHERE tenant_id = {claimed.TenantId} AND id = {claimed.Id} FOR UPDATE")
            : db.RestoreJobs.Where(j => j.TenantId == claimed.TenantId && j.Id == claimed.Id);
        var job = await query.SingleOrDefaultAsync(cancellationToken);
        return job is { State: RestoreJobState.Running } && job.Attempts == claimed.Attempts ? job : null;
    }

    private async Task FinishFailedAsync(TenancyDbContext db, RestoreJob job, string error, CancellationToken cancellationToken)
    {
        job.State = RestoreJobState.Failed;
        job.LeaseUntil = null;
        job.FinishedAt = clock.GetUtcNow().UtcDateTime;
        job.Error = Truncate(error, RestoreJob.ErrorMaxLength);
        await ClearRestoringAsync(db, job, cancellationToken);
        audit.Record(db, Requester(job), RestoreAuditActions.Failed, job.TenantId, before: null,
            after: new { JobId = job.Id, Kind = job.Kind.ToString(), job.PointInTime, job.Error, job.Attempts },
            reason: job.Reason);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The tenant may write again (unless a newer job has marked it since, which the unique index makes impossible while this one is unfinished).</summary>
    private static Task ClearRestoringAsync(TenancyDbContext db, RestoreJob job, CancellationToken cancellationToken) =>
        db.Tenants.Where(t => t.Id == job.TenantId && t.RestoreJobId == job.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RestoreJobId, (Guid?)null), cancellationToken);

    /// <summary>The outcome is recorded under the name of who asked for the restore.</summary>
    private static StaffActor Requester(RestoreJob job) => new(job.RequestedBySubject, job.RequestedBy, null, new HashSet<StaffRole>());

    private static Exception Innermost(Exception ex) => ex.InnerException is { } inner ? Innermost(inner) : ex;

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    [LoggerMessage(Level = LogLevel.Information, Message = "Restore {JobId} of tenant {TenantId} done: {Rows} rows in {DurationMs} ms")]
    private partial void LogSucceeded(Guid jobId, Guid tenantId, int rows, long durationMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Restore {JobId} of tenant {TenantId} failed; nothing was changed")]
    private partial void LogFailed(Exception ex, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restore {JobId} of tenant {TenantId}: its worker stopped during attempt {Attempt}; taking it over")]
    private partial void LogTakenOver(Guid jobId, Guid tenantId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Restore {JobId} of tenant {TenantId}: its workers stopped {Attempts} times; marked failed")]
    private partial void LogAbandoned(Guid jobId, Guid tenantId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restore {JobId} of tenant {TenantId} was taken over by another worker after this one's lease ran out")]
    private partial void LogLost(Guid jobId, Guid tenantId);
}
