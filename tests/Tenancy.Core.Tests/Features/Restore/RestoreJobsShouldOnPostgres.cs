using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Restore;

/// <summary>What only PostgreSQL shows: requests and workers racing, and writers during a real rewind.</summary>
public sealed class RestoreJobsShouldOnPostgres(PostgresDatabase database)
    : RestoreJobsShould(database), IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task QueueOneOfTwoRequestsMadeAtOnceAndRefuseTheOther()
    {
        var (tenant, slug, moment, _) = await TenantWithABadImportAsync();
        var service = Service();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(async i =>
        {
            try
            {
                await service.RequestAsync(Admin, new RestoreRequest(tenant, moment, $"Undo the bad import ({i})", slug), Cancellation);
                return "queued";
            }
            catch (RestoreRefusedException ex)
            {
                return ex.Message;
            }
        }));

        Assert.Single(outcomes, o => o == "queued");
        Assert.Single(outcomes, o => o.Contains("already queued", StringComparison.Ordinal));
        Assert.Single(await service.GetHistoryAsync(tenant, Cancellation));
    }

    [Fact]
    public async Task NeverLetTwoWorkersRunTheSameJob()
    {
        var jobs = new List<(Guid Tenant, Guid Job, List<string> AtMoment)>();
        for (var i = 0; i < 6; i++)
        {
            var (tenant, slug, moment, atMoment) = await TenantWithABadImportAsync();
            var job = await Service().RequestAsync(Admin, new RestoreRequest(tenant, moment, "Undo the bad CSV import", slug), Cancellation);
            jobs.Add((tenant, job.Id, atMoment));
        }

        var handled = await Task.WhenAll(Runner().DrainAsync(Cancellation), Runner().DrainAsync(Cancellation));

        Assert.True(handled.Sum() >= jobs.Count); // and any job another test of the class left queued
        foreach (var (tenant, id, atMoment) in jobs)
        {
            var job = await Data.JobAsync(tenant, id);
            Assert.Equal((RestoreJobState.Succeeded, 1), (job.State, job.Attempts));
            Assert.Equal(atMoment, await Data.SnapshotAsync(tenant));
            Assert.Equal([RestoreAuditActions.Requested, RestoreAuditActions.Completed], await Data.AuditActionsAsync(tenant));
        }
    }

    [Fact]
    public async Task RefuseTheTenantsWritersDuringTheRewindAndLetOtherTenantsWrite()
    {
        var (tenant, slug, moment, atMoment) = await TenantWithABadImportAsync();
        var bystander = await Data.CreateTenantAsync();
        await Data.AddProjectsAsync(bystander, "bystander", 3, withItem: true);
        var writer = await Data.CreateTenantAsync();
        var bystanderBefore = await Data.SnapshotAsync(bystander);

        // A project of the import, locked by a reader (FOR UPDATE writes nothing, so no capture and
        // no freeze check): the rewind, which deletes it, waits there while it holds the tenant. The
        // writes below then happen during the rewind however fast it is, without timing on luck.
        var imported = Guid.CreateVersion7();
        await using (var db = Database.CreateContext())
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO projects (tenant_id, id, name, created_at, updated_at) VALUES ({tenant}, {imported}, 'bulk 0', now(), now())",
                Cancellation);
        }

        await using var reader = new NpgsqlConnection(Database.ConnectionString);
        await reader.OpenAsync(Cancellation);
        await using var holding = await reader.BeginTransactionAsync(Cancellation);
        await using (var hold = new NpgsqlCommand("SELECT 1 FROM projects WHERE tenant_id = @t AND id = @p FOR UPDATE", reader, holding))
        {
            hold.Parameters.AddWithValue("t", tenant);
            hold.Parameters.AddWithValue("p", imported);
            await hold.ExecuteScalarAsync(Cancellation);
        }

        await Service().RequestAsync(Admin, new RestoreRequest(tenant, moment, "Undo the big bad import", slug), Cancellation);
        var restore = Task.Run(() => Runner().DrainAsync(Cancellation), Cancellation);
        await WaitForTheFreezeAsync(restore);

        var refused = await WriteAsync(tenant, "during the rewind");
        var allowed = await WriteAsync(writer, "beside the rewind");
        var stillFrozen = await FreezeHeldAsync();
        await holding.RollbackAsync(Cancellation);
        await restore;

        Assert.True(stillFrozen, "the other tenant's write finished while the rewind still held the tenant");
        var error = Assert.IsType<PostgresException>(Assert.IsType<DbUpdateException>(refused).InnerException);
        Assert.Equal(ChangeCaptureSql.BeingRestoredSqlState, error.SqlState);
        Assert.Null(allowed);
        Assert.Equal(atMoment, await Data.SnapshotAsync(tenant));
        Assert.Equal(bystanderBefore, await Data.SnapshotAsync(bystander));
        Assert.Single(await Data.SnapshotAsync(writer), row => row.Contains("beside the rewind", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueueARestoreWhileTheTenantHasAWriteInFlight()
    {
        var (tenant, slug, moment, _) = await TenantWithABadImportAsync();
        await using var writer = new NpgsqlConnection(Database.ConnectionString);
        await writer.OpenAsync(Cancellation);
        await using var inFlight = await writer.BeginTransactionAsync(Cancellation);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO members (tenant_id, id, email, name, role, created_at) VALUES (@t, gen_random_uuid(), 'slow@example.test', 'Slow import', 'Member', now())", writer, inFlight))
        {
            insert.Parameters.AddWithValue("t", tenant);
            await insert.ExecuteNonQueryAsync(Cancellation);
        }

        // The insert holds a key-share lock on the tenant row (its foreign key) until it ends; the
        // request's lock on that row must not wait for it.
        var job = await Service().RequestAsync(Admin, new RestoreRequest(tenant, moment, "Undo the bad CSV import", slug), Cancellation)
            .WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(RestoreJobState.Queued, job.State);
        await inFlight.RollbackAsync(Cancellation);
    }

    private async Task WaitForTheFreezeAsync(Task restore)
    {
        var waited = Stopwatch.StartNew();
        while (!await FreezeHeldAsync())
        {
            Assert.False(restore.IsCompleted, "the rewind finished before the test saw it hold the tenant");
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "the rewind never took the tenant's freeze lock");
            await Task.Delay(5, Cancellation);
        }
    }

    /// <summary>Whether some session holds a tenant's freeze lock exclusively (the rewind).</summary>
    private async Task<bool> FreezeHeldAsync()
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync(Cancellation);
        // On Citus the rewind takes it on the worker that holds the tenant's shards: citus_locks sees every node's locks.
        var locks = PostgresServer.IsCitus ? "citus_locks" : "pg_locks";
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {locks} WHERE locktype = 'advisory' AND mode = 'ExclusiveLock' AND granted", connection);
        return (long)(await command.ExecuteScalarAsync(Cancellation))! > 0;
    }

    /// <summary>Adds a member to the tenant; the exception if the write failed.</summary>
    private async Task<Exception?> WriteAsync(Guid tenant, string name)
    {
        await using var db = Database.CreateContext();
        db.Members.Add(new Member { TenantId = tenant, Email = $"{Guid.NewGuid():N}@example.test", Name = name, CreatedAt = RestoreTestData.Start });
        try
        {
            await db.SaveChangesAsync(Cancellation);
            return null;
        }
        catch (DbUpdateException ex)
        {
            return ex;
        }
    }
}
