using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Restore;

/// <summary>
/// A restore as staff use it (decision 0005): requested, checked and audited by
/// <see cref="RestoreService"/>, run as a durable job by <see cref="RestoreJobRunner"/>, undone by
/// the same path. The oracle for the data is <see cref="RestoreTestData.SnapshotAsync"/>.
/// </summary>
public abstract class RestoreJobsShould(TestDatabase database)
{
    protected static readonly StaffActor Admin = new("admin-1", "Ada Admin", "ada@example.test", new HashSet<StaffRole> { StaffRole.Admin });

    protected static readonly StaffActor Support = new("support-1", "Sam Support", "sam@example.test", new HashSet<StaffRole> { StaffRole.Support });

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected RestoreTestData Data { get; } = new(database);

    protected TestDatabase Database => database;

    /// <summary>The real clock, or a later one to see the window move.</summary>
    protected TimeProvider Clock { get; set; } = TimeProvider.System;

    protected RestoreOptions Options { get; } = new() { JobLease = TimeSpan.FromMinutes(1), MaxAttempts = 2 };

    protected TenantRewind Rewind => new(database.ContextFactory, Microsoft.Extensions.Options.Options.Create(Options), Clock);

    protected RestoreService Service(params ITenantAccessObserver[] observers) =>
        new(database.ContextFactory, Rewind, new AuditLog(database.ContextFactory, Clock), new RestoreSignal(), Clock, observers);

    protected RestoreJobRunner Runner(params ITenantAccessObserver[] observers) =>
        new(database.ContextFactory, Rewind, new AuditLog(database.ContextFactory, Clock), Microsoft.Extensions.Options.Options.Create(Options), Clock, observers, NullLogger<RestoreJobRunner>.Instance);

    [Fact]
    public async Task QueueARestoreMarkTheTenantRestoringRunItAndRecordTheOutcome()
    {
        var (tenant, slug, moment, atMoment) = await TenantWithABadImportAsync();
        var enforcer = new QuotaEnforcer(database.ContextFactory, new UsageMeter(database.ContextFactory, Clock), Clock);
        Assert.True(enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerSecond).Allowed);

        var job = await Service(enforcer).RequestAsync(Admin, new RestoreRequest(tenant, moment, "Undo the bad CSV import", slug), Cancellation);

        Assert.Equal(RestoreJobState.Queued, job.State);
        Assert.Equal(5, job.ExpectedRows);
        Assert.Equal(job.Id, await Data.RestoringJobAsync(tenant));
        var denied = enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerSecond);
        Assert.Equal(QuotaDenial.TenantRestoring, denied.Reason);
        Assert.Contains("being restored", denied.Message, StringComparison.Ordinal);

        // (Other tests of the class may have left jobs queued: the drain runs them too.)
        await Runner(enforcer).DrainAsync(Cancellation);

        var done = await Data.JobAsync(tenant, job.Id);
        Assert.Equal(RestoreJobState.Succeeded, done.State);
        Assert.Equal((3, 2, 0), (done.Deleted, done.Reinserted, done.Changed));
        Assert.Equal(1, done.Attempts);
        Assert.NotNull(done.DurationMs);
        Assert.NotNull(done.RewoundAt);
        Assert.Contains("\"table\":\"projects\"", done.Tables, StringComparison.Ordinal);
        Assert.Null(await Data.RestoringJobAsync(tenant));
        Assert.Equal(atMoment, await Data.SnapshotAsync(tenant));
        Assert.Equal([RestoreAuditActions.Requested, RestoreAuditActions.Completed], await Data.AuditActionsAsync(tenant));
        Assert.True(enforcer.TryConsume(tenant, QuotaMetric.ApiRequestsPerSecond).Allowed);
    }

    [Fact]
    public async Task RefuseBadRequestsWithAClearReasonAndChangeNothing()
    {
        var (tenant, slug, moment, _) = await TenantWithABadImportAsync();
        var service = Service();
        var before = await Data.SnapshotAsync(tenant);

        await Assert.ThrowsAsync<StaffForbiddenException>(() => service.RequestAsync(Support, new RestoreRequest(tenant, moment, "Undo the bad CSV import", slug), Cancellation));
        await Assert.ThrowsAsync<StaffForbiddenException>(() => service.PreviewAsync(Support, tenant, moment, Cancellation));
        string Refusal(RestoreRequest request) => Assert.ThrowsAsync<RestoreRefusedException>(() => service.RequestAsync(Admin, request, Cancellation)).GetAwaiter().GetResult().Message;

        Assert.Contains("Type the tenant's slug", Refusal(new RestoreRequest(tenant, moment, "Undo the bad CSV import", "not-the-slug")), StringComparison.Ordinal);
        Assert.Contains("at least 10 characters", Refusal(new RestoreRequest(tenant, moment, "oops", slug)), StringComparison.Ordinal);
        Assert.Contains("in the future", Refusal(new RestoreRequest(tenant, DateTime.UtcNow.AddHours(1), "Undo the bad CSV import", slug)), StringComparison.Ordinal);
        var outside = Refusal(new RestoreRequest(tenant, DateTime.UtcNow.AddDays(-36), "Undo the bad CSV import", slug));
        Assert.Contains("outside the restore window", outside, StringComparison.Ordinal);
        Assert.Contains("35 days", outside, StringComparison.Ordinal);
        Assert.Contains("No tenant", Refusal(new RestoreRequest(Guid.CreateVersion7(), moment, "Undo the bad CSV import", slug)), StringComparison.Ordinal);
        Assert.Contains("already as it was then", Refusal(new RestoreRequest(tenant, DateTime.UtcNow, "Nothing to undo here at all", slug)), StringComparison.Ordinal);

        Assert.Empty(await service.GetHistoryAsync(tenant, Cancellation));
        Assert.Empty(await Data.AuditActionsAsync(tenant));
        Assert.Null(await Data.RestoringJobAsync(tenant));
        Assert.Equal(before, await Data.SnapshotAsync(tenant));
    }

    [Fact]
    public async Task RefuseASecondRestoreWhileOneIsQueued()
    {
        var (tenant, slug, moment, _) = await TenantWithABadImportAsync();
        var service = Service();
        var first = await service.RequestAsync(Admin, new RestoreRequest(tenant, moment, "Undo the bad CSV import", slug), Cancellation);

        var second = await Assert.ThrowsAsync<RestoreRefusedException>(
            () => service.RequestAsync(Admin, new RestoreRequest(tenant, moment.AddSeconds(-1), "Undo it once more please", slug), Cancellation));

        Assert.Contains("already queued", second.Message, StringComparison.Ordinal);
        Assert.Equal([first.Id], (await service.GetHistoryAsync(tenant, Cancellation)).Select(j => j.Id));
    }

    [Fact]
    public async Task ComposeRestoresAndUndos()
    {
        var (tenant, slug, moment, atMoment) = await TenantWithABadImportAsync();
        var service = Service();
        var runner = Runner();
        var beforeRestore = await Data.SnapshotAsync(tenant);

        // Restore, then the customer works on; then a restore to a moment after the first restore.
        var first = await service.RequestAsync(Admin, new RestoreRequest(tenant, moment, "Undo the bad CSV import", slug), Cancellation);
        await runner.DrainAsync(Cancellation);
        Assert.Equal(atMoment, await Data.SnapshotAsync(tenant));
        var afterFirst = await RestoreTestData.MomentAsync();
        await Data.AddProjectsAsync(tenant, "worked on after the restore", 2);
        var beforeSecond = await Data.SnapshotAsync(tenant);
        var second = await service.RequestAsync(Admin, new RestoreRequest(tenant, afterFirst, "Drop today's test projects", slug), Cancellation);
        await runner.DrainAsync(Cancellation);
        Assert.Equal(atMoment, await Data.SnapshotAsync(tenant));

        // Only the latest restore can be undone; undoing it brings back the work after the first.
        var older = await Assert.ThrowsAsync<RestoreRefusedException>(() => service.RequestUndoAsync(Admin, tenant, first.Id, "Undo the first one", slug, Cancellation));
        Assert.Contains("undo that one first", older.Message, StringComparison.Ordinal);
        var undoPreview = await service.PreviewUndoAsync(Admin, tenant, second.Id, Cancellation);
        Assert.Equal(2, undoPreview.Reinserted);
        var undo = await service.RequestUndoAsync(Admin, tenant, second.Id, "The customer wanted them", slug, Cancellation);
        await runner.DrainAsync(Cancellation);
        Assert.Equal(RestoreJobKind.Undo, undo.Kind);
        Assert.Equal(beforeSecond, await Data.SnapshotAsync(tenant));
        var twice = await Assert.ThrowsAsync<RestoreRefusedException>(() => service.RequestUndoAsync(Admin, tenant, second.Id, "Undo it once again", slug, Cancellation));
        Assert.Contains("already undone", twice.Message, StringComparison.Ordinal);

        // Undo the undo (back to after the second restore), then a restore to a moment between
        // the undo and that: the state the undo had made.
        var afterUndo = await RestoreTestData.MomentAsync();
        await service.RequestUndoAsync(Admin, tenant, undo.Id, "Changed their mind again", slug, Cancellation);
        await runner.DrainAsync(Cancellation);
        Assert.Equal(atMoment, await Data.SnapshotAsync(tenant));
        var between = await service.RequestAsync(Admin, new RestoreRequest(tenant, afterUndo, "Back to after the undo", slug), Cancellation);
        await runner.DrainAsync(Cancellation);
        Assert.Equal(RestoreJobState.Succeeded, (await Data.JobAsync(tenant, between.Id)).State);
        Assert.Equal(beforeSecond, await Data.SnapshotAsync(tenant));
        Assert.NotEqual(beforeRestore, atMoment);
    }

    [Fact]
    public async Task FailAJobWhoseMomentLeftTheWindowBeforeItRanAndLetTheTenantWriteAgain()
    {
        var (tenant, slug, moment, _) = await TenantWithABadImportAsync();
        var job = await Service().RequestAsync(Admin, new RestoreRequest(tenant, moment, "Undo the bad CSV import", slug), Cancellation);
        var before = await Data.SnapshotAsync(tenant);

        // The worker runs a day after the window closed on the moment (the purge may have taken its changes).
        Clock = new FakeTimeProvider(DateTimeOffset.UtcNow + Options.Retention + TimeSpan.FromDays(1));
        await Runner().DrainAsync(Cancellation);

        var failed = await Data.JobAsync(tenant, job.Id);
        Assert.Equal(RestoreJobState.Failed, failed.State);
        Assert.Contains("outside the restore window", failed.Error, StringComparison.Ordinal);
        Assert.Null(await Data.RestoringJobAsync(tenant));
        Assert.Equal(before, await Data.SnapshotAsync(tenant));
        Assert.Equal([RestoreAuditActions.Requested, RestoreAuditActions.Failed], await Data.AuditActionsAsync(tenant));
    }

    [Fact]
    public async Task TakeOverAJobWhoseWorkerDiedAndFailItWhenWorkersKeepDying()
    {
        var (tenant, slug, moment, atMoment) = await TenantWithABadImportAsync();
        var job = await Service().RequestAsync(Admin, new RestoreRequest(tenant, moment, "Undo the bad CSV import", slug), Cancellation);

        // What a worker killed mid-rewind leaves: the job running under a lease that ran out.
        await SetRunningAsync(tenant, job.Id, attempts: 1, leaseUntil: DateTime.UtcNow.AddSeconds(-1));
        await Runner().DrainAsync(Cancellation);
        var retried = await Data.JobAsync(tenant, job.Id);
        Assert.Equal((RestoreJobState.Succeeded, 2), (retried.State, retried.Attempts));
        Assert.Equal(atMoment, await Data.SnapshotAsync(tenant));

        // A lease still running is left alone; one that ran out after the last attempt fails the job.
        await Data.AddProjectsAsync(tenant, "written after", 1);
        var again = await Service().RequestAsync(Admin, new RestoreRequest(tenant, moment, "Undo the later write", slug), Cancellation);
        await SetRunningAsync(tenant, again.Id, attempts: Options.MaxAttempts, leaseUntil: DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(0, await Runner().DrainAsync(Cancellation));
        await SetRunningAsync(tenant, again.Id, attempts: Options.MaxAttempts, leaseUntil: DateTime.UtcNow.AddSeconds(-1));
        await Runner().DrainAsync(Cancellation);
        var abandoned = await Data.JobAsync(tenant, again.Id);
        Assert.Equal(RestoreJobState.Failed, abandoned.State);
        Assert.Contains("stopped 2 times", abandoned.Error, StringComparison.Ordinal);
        Assert.Null(await Data.RestoringJobAsync(tenant));
    }

    [Fact]
    public async Task RefuseAMomentThePurgeTookAndStillRestoreAMomentInsideTheWindowExactly()
    {
        var tenant = await Data.CreateTenantAsync();
        var slug = await Data.SlugAsync(tenant);
        await Data.AddProjectsAsync(tenant, "loaded long ago", 2);
        await BackdateChangesAsync(tenant, TimeSpan.FromDays(40));
        await using (var db = database.CreateContext())
        {
            var project = await db.Projects.FirstAsync(p => p.TenantId == tenant, Cancellation);
            project.Name = "renamed three weeks ago";
            await db.SaveChangesAsync(Cancellation);
        }

        await BackdateChangesAsync(tenant, TimeSpan.FromDays(20), onlyNewerThan: TimeSpan.FromDays(1));
        var moment = DateTime.UtcNow.AddDays(-10);
        var atMoment = await Data.SnapshotAsync(tenant);
        await Data.AddProjectsAsync(tenant, "added today", 2);
        await using (var db = database.CreateContext())
        {
            db.Projects.Remove(await db.Projects.FirstAsync(p => p.TenantId == tenant && p.Name.StartsWith("loaded"), Cancellation));
            await db.SaveChangesAsync(Cancellation);
        }

        var purged = await new ChangeLogPurge(database.ContextFactory, Microsoft.Extensions.Options.Options.Create(Options), Clock).PurgeAsync(Cancellation);
        var service = Service();

        var outside = await Assert.ThrowsAsync<RestoreRefusedException>(
            () => service.RequestAsync(Admin, new RestoreRequest(tenant, DateTime.UtcNow.AddDays(-36), "Back before the loads", slug), Cancellation));
        Assert.Contains("outside the restore window", outside.Message, StringComparison.Ordinal);
        var job = await service.RequestAsync(Admin, new RestoreRequest(tenant, moment, "Undo today's changes only", slug), Cancellation);
        await Runner().DrainAsync(Cancellation);

        Assert.True(purged.RowsDeleted + purged.PartitionsDropped > 0, "the purge took nothing: the test did not reach the window's edge");
        Assert.Equal(RestoreJobState.Succeeded, (await Data.JobAsync(tenant, job.Id)).State);
        Assert.Equal(atMoment, await Data.SnapshotAsync(tenant));
    }

    [Fact]
    public async Task CountTheTenantsChangesPerMinuteAndTable()
    {
        var (tenant, _, moment, _) = await TenantWithABadImportAsync();

        var activity = await Service().GetActivityAsync(tenant, moment.AddHours(-1), DateTime.UtcNow.AddMinutes(1), ActivityBucket.Minute, Cancellation);

        // Two projects and an item, then three projects imported and one deleted with its item.
        Assert.Equal(await Data.ChangeCountAsync(tenant), activity.Total);
        Assert.Equal(6, activity.Points.Where(p => p.Table == "projects").Sum(p => p.Changes));
        Assert.Equal(2, activity.Points.Where(p => p.Table == "project_items").Sum(p => p.Changes));
        Assert.All(activity.Points, p => Assert.Equal((0, 0), (p.BucketStart.Second, p.BucketStart.Millisecond)));
        await Assert.ThrowsAsync<ArgumentException>(() => Service().GetActivityAsync(tenant, moment.AddDays(-30), moment, ActivityBucket.Minute, Cancellation));
    }

    /// <summary>
    /// A tenant with two projects (one with an item) at the returned moment, then a "bad import"
    /// after it: three projects added and one of the originals deleted (its item with it).
    /// </summary>
    protected async Task<(Guid Tenant, string Slug, DateTime Moment, List<string> AtMoment)> TenantWithABadImportAsync()
    {
        var tenant = await Data.CreateTenantAsync();
        await Data.AddProjectsAsync(tenant, "original", 2, withItem: true);
        var moment = await RestoreTestData.MomentAsync();
        var atMoment = await Data.SnapshotAsync(tenant);
        await Data.AddProjectsAsync(tenant, "imported", 3);
        await using (var db = database.CreateContext())
        {
            var first = await db.Projects.Where(p => p.TenantId == tenant && p.Name.StartsWith("original")).OrderBy(p => p.Name).FirstAsync(Cancellation);
            db.Projects.Remove(first);
            await db.SaveChangesAsync(Cancellation);
        }

        return (tenant, await Data.SlugAsync(tenant), moment, atMoment);
    }

    /// <summary>
    /// Moves the tenant's captured changes <paramref name="by"/> into the past (those written in
    /// the last <paramref name="onlyNewerThan"/>, if given), as if written then: the capture
    /// triggers stamp only the database's clock.
    /// </summary>
    private async Task BackdateChangesAsync(Guid tenant, TimeSpan by, TimeSpan? onlyNewerThan = null)
    {
        await using var db = database.CreateContext();
        var since = DateTime.UtcNow - (onlyNewerThan ?? TimeSpan.FromDays(3650));
        if (database.Provider == Tenancy.Core.Data.DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlAsync(
                // The new time in a sub-select: Citus refuses a STABLE expression of a column in an UPDATE's SET list.
                $"UPDATE tenant_changes SET changed_at = (SELECT changed_at - make_interval(secs => {by.TotalSeconds})) WHERE tenant_id = {tenant} AND changed_at > {since}", Cancellation);
        }
        else
        {
            var modifier = $"-{(int)by.TotalSeconds} seconds";
            await db.Database.ExecuteSqlAsync(
                $"UPDATE tenant_changes SET changed_at = strftime('%Y-%m-%d %H:%M:%f', changed_at, {modifier}) WHERE tenant_id = {tenant.ToString().ToUpperInvariant()} AND changed_at > {since.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)}",
                Cancellation);
        }
    }

    private async Task SetRunningAsync(Guid tenant, Guid job, int attempts, DateTime leaseUntil)
    {
        await using var db = database.CreateContext();
        await db.RestoreJobs.Where(j => j.TenantId == tenant && j.Id == job).ExecuteUpdateAsync(
            s => s.SetProperty(j => j.State, RestoreJobState.Running).SetProperty(j => j.Attempts, attempts).SetProperty(j => j.LeaseUntil, leaseUntil),
            Cancellation);
    }
}

public sealed class RestoreJobsShouldOnSqlite(SqliteDatabase database)
    : RestoreJobsShould(database), IClassFixture<SqliteDatabase>;
