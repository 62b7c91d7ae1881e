using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Tests.Features.Restore;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Admin.Tests.Features.Restore;

/// <summary>
/// Crash safety of a restore (decision 0005) with the real worker: the app runs as a child process
/// in the worker role on PostgreSQL and is killed outright (SIGKILL, no shutdown code) in the
/// middle of a rewind. The tenant's data must be wholly as it was before, the job retried by the
/// next worker or failed with its reason, and the tenant not left restoring. The oracle for the
/// data is <see cref="RestoreTestData.SnapshotAsync"/>: every row of the tenant, every column.
/// </summary>
public sealed class RestoreWorkerProcessShould(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    /// <summary>Rows the big bad import adds in one statement: enough that deleting them again takes the rewind a while.</summary>
    private const int BulkImportedRows = 100_000;

    private static readonly StaffActor Admin = new("admin-1", "Ada Admin", "ada@example.test", new HashSet<StaffRole> { StaffRole.Admin });

    /// <summary>Short, so a dead worker's job is taken over within seconds.</summary>
    private static readonly TimeSpan JobLease = TimeSpan.FromSeconds(2);

    /// <summary>Bounds for the waits: generous, because they only decide how long a failing run takes to say so.</summary>
    private static readonly TimeSpan StartAndReachTheRewind = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan SessionEnds = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan JobFinishes = TimeSpan.FromSeconds(120);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private RestoreTestData Data { get; } = new(database);

    [Fact]
    public async Task LeaveTheTenantAsItWasWhenKilledMidRewindAndFinishTheJobInTheNextWorker()
    {
        // Started first, so it gets going while the data is written; it polls until the job is queued.
        await using var first = StartWorker("restore-crash-first", maxAttempts: 3);
        var (tenant, slug, moment, atMoment) = await TenantWithABadImportAsync(BulkImportedRows);
        var bystander = await BystanderAsync();
        var bystanderBefore = await Data.SnapshotAsync(bystander);
        var beforeRestore = await Data.SnapshotAsync(tenant);
        var changesBefore = await Data.ChangeCountAsync(tenant);
        var job = await Service().RequestAsync(Admin, new RestoreRequest(tenant, moment, "Undo the big bad import", slug), Cancellation);

        // Killed while its rewind deletes the imported rows (a statement of a second or more): the
        // tenant frozen, part of the work done in the rewind's transaction.
        var rewinding = await WaitForRewindAsync(first, tenant, job.Id,
            s => s is { Granted: true, State: "active", StatementMs: >= 100 } && s.Query.StartsWith("DELETE FROM \"projects\"", StringComparison.Ordinal),
            "the first worker's rewind to be deleting the imported rows");
        await first.KillAsync();
        await WaitForSessionToEndAsync(rewinding.Pid, first);

        var afterKill = await Data.JobAsync(tenant, job.Id);
        Assert.Equal((RestoreJobState.Running, 1), (afterKill.State, afterKill.Attempts));
        Assert.Equal((null, null, null), (afterKill.FinishedAt, afterKill.Deleted, afterKill.RewoundAt));
        Assert.Equal(job.Id, await Data.RestoringJobAsync(tenant));
        Assert.Equal(beforeRestore, await Data.SnapshotAsync(tenant));
        Assert.Equal(changesBefore, await Data.ChangeCountAsync(tenant));
        Assert.Equal([RestoreAuditActions.Requested], await Data.AuditActionsAsync(tenant));

        // Another worker takes the job over once the dead one's lease ran out, and finishes it.
        await using var second = StartWorker("restore-crash-second", maxAttempts: 3);
        await WaitUntilAsync("the second worker to take the job over and finish it", JobFinishes,
            async () => !(await Data.JobAsync(tenant, job.Id)).IsActive, first, second);

        var done = await Data.JobAsync(tenant, job.Id);
        Assert.True(done.State == RestoreJobState.Succeeded, $"The job ended {done.State}: {done.Error}{Environment.NewLine}{second.Output}");
        Assert.Equal(2, done.Attempts);
        Assert.Equal((BulkImportedRows + 3, 2, 0), (done.Deleted, done.Reinserted, done.Changed));
        Assert.Null(await Data.RestoringJobAsync(tenant));
        Assert.Equal(atMoment, await Data.SnapshotAsync(tenant));
        Assert.Equal(bystanderBefore, await Data.SnapshotAsync(bystander));
        Assert.Equal([RestoreAuditActions.Requested, RestoreAuditActions.Completed], await Data.AuditActionsAsync(tenant));
    }

    [Fact]
    public async Task FailTheJobWithItsReasonWhenEveryAttemptsWorkerIsKilledAndLetTheTenantGo()
    {
        var (tenant, slug, moment, _) = await TenantWithABadImportAsync(bulkRows: 0);
        var bystander = await BystanderAsync();
        var bystanderBefore = await Data.SnapshotAsync(bystander);

        var before = await Data.SnapshotAsync(tenant);
        var job = await Service().RequestAsync(Admin, new RestoreRequest(tenant, moment, "Undo the bad CSV import", slug), Cancellation);

        // A write of the tenant still in flight when the workers start: its transaction holds the
        // tenant's freeze lock shared, so every rewind waits for it. Only the server's check of
        // the client (TenantRewind) ends a killed worker's wait: the writer stays open until the end.
        await using var writer = database.CreateContext();
        await using var inFlight = await writer.Database.BeginTransactionAsync(Cancellation);
        writer.Members.Add(new Member { TenantId = tenant, Email = "in-flight@example.test", Name = "Written in flight", CreatedAt = RestoreTestData.Start });
        await writer.SaveChangesAsync(Cancellation);

        const int maxAttempts = 2;
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            await using var worker = StartWorker($"restore-crash-attempt-{attempt}", maxAttempts);
            var waiting = await WaitForRewindAsync(worker, tenant, job.Id, s => s is { Granted: false }, $"attempt {attempt}'s rewind to wait for the tenant's writer");
            await worker.KillAsync();
            await WaitForSessionToEndAsync(waiting.Pid, worker);

            var running = await Data.JobAsync(tenant, job.Id);
            Assert.Equal((RestoreJobState.Running, attempt), (running.State, running.Attempts));
            Assert.Equal(job.Id, await Data.RestoringJobAsync(tenant));
        }

        // The last lease runs out; the next drain, whichever worker runs it, gives up on the job.
        await WaitUntilAsync("the last worker's lease to run out", JobFinishes,
            async () => (await Data.JobAsync(tenant, job.Id)).LeaseUntil <= DateTime.UtcNow);
        await Runner(maxAttempts).DrainAsync(Cancellation);

        var failed = await Data.JobAsync(tenant, job.Id);
        Assert.Equal((RestoreJobState.Failed, maxAttempts), (failed.State, failed.Attempts));
        Assert.Contains($"stopped {maxAttempts} times", failed.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", failed.Error, StringComparison.Ordinal);
        Assert.Null(await Data.RestoringJobAsync(tenant));
        Assert.Equal([RestoreAuditActions.Requested, RestoreAuditActions.Failed], await Data.AuditActionsAsync(tenant));
        await inFlight.RollbackAsync(Cancellation);
        Assert.Equal(before, await Data.SnapshotAsync(tenant));
        Assert.Equal(bystanderBefore, await Data.SnapshotAsync(bystander));
    }

    /// <summary>
    /// A tenant with two projects (one with an item) at the returned moment, then a "bad import"
    /// after it: three projects added and one of the originals deleted (its item with it), and
    /// <paramref name="bulkRows"/> more projects in one statement.
    /// </summary>
    private async Task<(Guid Tenant, string Slug, DateTime Moment, List<string> AtMoment)> TenantWithABadImportAsync(int bulkRows)
    {
        var tenant = await Data.CreateTenantAsync();
        await Data.AddProjectsAsync(tenant, "original", 2, withItem: true);
        var moment = await RestoreTestData.MomentAsync();
        var atMoment = await Data.SnapshotAsync(tenant);
        await Data.AddProjectsAsync(tenant, "imported", 3);
        await using var db = database.CreateContext();
        var first = await db.Projects.Where(p => p.TenantId == tenant && p.Name.StartsWith("original")).OrderBy(p => p.Name).FirstAsync(Cancellation);
        db.Projects.Remove(first);
        await db.SaveChangesAsync(Cancellation);
        if (bulkRows > 0)
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO projects (tenant_id, id, name, created_at, updated_at) SELECT {tenant}, gen_random_uuid(), 'bulk ' || g, now(), now() FROM generate_series(1, {bulkRows}) g",
                Cancellation);
        }

        return (tenant, await Data.SlugAsync(tenant), moment, atMoment);
    }

    /// <summary>Another tenant with data of its own, which no restore may touch.</summary>
    private async Task<Guid> BystanderAsync()
    {
        var bystander = await Data.CreateTenantAsync();
        await Data.AddProjectsAsync(bystander, "bystander", 3, withItem: true);
        return bystander;
    }

    private WorkerProcess StartWorker(string name, int maxAttempts) =>
        WorkerProcess.Start(name, database.ConnectionString, new Dictionary<string, string>
        {
            ["Restore:JobLease"] = JobLease.ToString(),
            ["Restore:PollInterval"] = "00:00:01",
            ["Restore:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    private RestoreService Service()
    {
        var options = Options.Create(new RestoreOptions { JobLease = JobLease });
        return new(database.ContextFactory, new TenantRewind(database.ContextFactory, options, TimeProvider.System),
            new AuditLog(database.ContextFactory, TimeProvider.System), new RestoreSignal(), TimeProvider.System, []);
    }

    private RestoreJobRunner Runner(int maxAttempts)
    {
        var options = Options.Create(new RestoreOptions { JobLease = JobLease, MaxAttempts = maxAttempts });
        return new(database.ContextFactory, new TenantRewind(database.ContextFactory, options, TimeProvider.System),
            new AuditLog(database.ContextFactory, TimeProvider.System), options, TimeProvider.System, [], NullLogger<RestoreJobRunner>.Instance);
    }

    /// <summary>
    /// Waits until the worker's session that holds or waits for the tenant's freeze lock
    /// exclusively (its rewind, <see cref="TenantRewind"/>) matches <paramref name="reached"/>;
    /// fails at once if the job finished first.
    /// </summary>
    private async Task<RewindSession> WaitForRewindAsync(WorkerProcess worker, Guid tenant, Guid jobId, Func<RewindSession, bool> reached, string what)
    {
        RewindSession? found = null;
        await WaitUntilAsync(what, StartAndReachTheRewind, async () =>
        {
            found = await RewindSessionAsync(worker, tenant);
            if (found is not null && reached(found))
            {
                return true;
            }

            var job = await Data.JobAsync(tenant, jobId);
            Assert.True(job.IsActive, $"The job ended ({job.State} {job.Error}) before the test saw {what}.{Environment.NewLine}{worker.Output}");
            return false;
        }, worker);
        var session = found!;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{worker.Name}: {what}: session {session.Pid} {session.State}, lock {(session.Granted ? "held" : "awaited")}, {session.StatementMs:0} ms into {session.Query[..Math.Min(session.Query.Length, 60)].ReplaceLineEndings(" ")}");
        return session;
    }

    /// <summary>
    /// Waits until the killed worker's server session is gone: then its transaction is rolled back
    /// and its locks released, and the data read after it is what is left for good.
    /// </summary>
    private async Task WaitForSessionToEndAsync(int pid, WorkerProcess killed)
    {
        var waited = Stopwatch.StartNew();
        await WaitUntilAsync($"the killed {killed.Name}'s server session (pid {pid}) to end", SessionEnds, async () =>
        {
            await using var connection = await OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE pid = @pid", connection);
            command.Parameters.AddWithValue("pid", pid);
            return (long)(await command.ExecuteScalarAsync(Cancellation))! == 0;
        }, killed);
        TestContext.Current.TestOutputHelper?.WriteLine($"{killed.Name}: its server session ended {waited.ElapsedMilliseconds} ms after the kill");
    }

    /// <summary>The worker's session holding or waiting for the tenant's freeze lock exclusively, with what it runs; null if none.</summary>
    private async Task<RewindSession?> RewindSessionAsync(WorkerProcess worker, Guid tenant)
    {
        await using var connection = await OpenAsync();

        // An advisory lock on a bigint key shows its high half as classid, its low half as objid.
        await using var command = new NpgsqlCommand(
            $"""
            WITH freeze_lock AS (SELECT hashtextextended(@tenant::text, {ChangeCaptureSql.FreezeLockSeed}) AS k)
            SELECT a.pid, l.granted, coalesce(a.state, ''), coalesce(a.query, ''), extract(epoch FROM clock_timestamp() - a.query_start) * 1000
            FROM freeze_lock CROSS JOIN pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE a.application_name = @app AND a.datname = current_database()
              AND l.locktype = 'advisory' AND l.mode = 'ExclusiveLock' AND l.objsubid = 1
              AND l.classid = ((freeze_lock.k >> 32) & 4294967295)::oid AND l.objid = (freeze_lock.k & 4294967295)::oid
            """,
            connection);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("app", worker.Name);
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        return await reader.ReadAsync(Cancellation)
            ? new RewindSession(reader.GetInt32(0), reader.GetBoolean(1), reader.GetString(2), reader.GetString(3).TrimStart(), reader.IsDBNull(4) ? 0 : Convert.ToDouble(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>Polls <paramref name="done"/>; fails with the workers' output when a worker exits on its own or <paramref name="timeout"/> passes.</summary>
    private static async Task WaitUntilAsync(string what, TimeSpan timeout, Func<Task<bool>> done, params WorkerProcess[] workers)
    {
        var waited = Stopwatch.StartNew();
        while (!await done())
        {
            if (workers.FirstOrDefault(w => w.HasExited && !w.WasKilled) is { } exited)
            {
                Assert.Fail($"{exited.Name} exited on its own while the test waited for {what}.{Environment.NewLine}{Outputs(workers)}");
            }

            if (waited.Elapsed > timeout)
            {
                Assert.Fail($"Gave up after {timeout.TotalSeconds:0} s waiting for {what}.{Environment.NewLine}{Outputs(workers)}");
            }

            await Task.Delay(20, Cancellation);
        }
    }

    private static string Outputs(WorkerProcess[] workers) => string.Join(Environment.NewLine, workers.Select(w => w.Output));

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancellation);
        return connection;
    }

    /// <summary>A server session of a worker at the tenant's freeze lock: granted (rewinding) or waiting, and its statement.</summary>
    private sealed record RewindSession(int Pid, bool Granted, string State, string Query, double StatementMs);
}
