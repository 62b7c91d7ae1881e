using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;
using Tenancy.Testing;

namespace Tenancy.Core.Tests.Features.Billing;

/// <summary>
/// Several worker instances on one PostgreSQL: no event applied twice, a worker killed
/// mid-event leaves it for another with one effect, sweeps racing suspend each tenant once.
/// </summary>
public sealed class BillingWorkersOnPostgresShould(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 10, 8, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NeverApplyAnEventTwiceWithTwoProcessorsRacing()
    {
        var billing = new BillingHarness(database, clock, new BillingOptions { BatchSize = 10 });
        var tenants = new List<BillingTenant>();
        for (var i = 0; i < 40; i++)
        {
            tenants.Add(await billing.CreateTenantAsync());
        }

        var ids = new List<string>();
        var t0 = clock.GetUtcNow();
        foreach (var tenant in tenants)
        {
            ids.Add((await billing.DeliverAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, t0))).EventId!);
            ids.Add((await billing.DeliverAsync(StripeTestEvents.SubscriptionUpdated(tenant.Customer, tenant.Subscription, "past_due", t0.AddSeconds(1)))).EventId!);
            ids.Add((await billing.DeliverAsync(StripeTestEvents.SubscriptionUpdated(tenant.Customer, tenant.Subscription, "unpaid", t0.AddSeconds(2)))).EventId!);
        }

        var probe = new BatchProbe();
        var one = billing.NewProcessor(probe);
        var two = billing.NewProcessor(probe);
        await Task.WhenAll(Task.Run(() => one.DrainAsync(Cancellation), Cancellation), Task.Run(() => two.DrainAsync(Cancellation), Cancellation));

        var applied = probe.Committed;
        Assert.Equal(ids.Order(), applied.Keys.Order());
        Assert.All(applied.Values, count => Assert.Equal(1, count));
        await using var db = database.CreateContext();
        var tenantIds = tenants.Select(t => t.Id).ToList();
        Assert.Equal(tenants.Count, await db.Tenants.CountAsync(t => tenantIds.Contains(t.Id) && t.Status == TenantStatus.Suspended, Cancellation));
        Assert.Equal(tenants.Count, await db.Suspensions.CountAsync(s => tenantIds.Contains(s.TenantId), Cancellation));
        // Each tenant suspended once; past due at most once (the workers may apply a tenant's
        // "unpaid" before its older failure, which is then stale).
        var audit = await db.AuditLog.Where(a => a.TenantId != null && tenantIds.Contains(a.TenantId.Value)).ToListAsync(Cancellation);
        Assert.All(audit.GroupBy(a => a.TenantId), g =>
        {
            Assert.Single(g, a => a.Action == SuspensionAuditActions.Suspended);
            Assert.True(g.Count(a => a.Action == BillingAuditActions.PastDue) <= 1);
        });
        Assert.Equal(0, await db.StripeEvents.CountAsync(
            e => ids.Contains(e.Id) && e.State != StripeEventState.Applied && e.State != StripeEventState.Stale, Cancellation));
    }

    [Fact]
    public async Task LeaveAnEventOfAKilledWorkerToAnotherWithOneEffect()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        var receipt = await billing.DeliverAsync(StripeTestEvents.SubscriptionUpdated(tenant.Customer, tenant.Subscription, "unpaid", clock.GetUtcNow()));

        // Worker A applies the event, then hangs before committing.
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = new BatchProbe
        {
            BeforeCommit = async _ =>
            {
                applied.TrySetResult();
                await release.Task;
            },
        };
        var doomed = billing.NewProcessor(probe);
        var doomedRun = Task.Run(() => doomed.ProcessBatchAsync(Cancellation), Cancellation);
        await applied.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);

        // Worker B cannot take it meanwhile (locked, skipped), and the tenant is not changed yet.
        var survivor = billing.NewProcessor();
        Assert.Equal(0, await survivor.ProcessBatchAsync(Cancellation));
        Assert.Equal(TenantStatus.Active, (await billing.TenantAsync(tenant.Id)).Status);

        // A's process dies: its database session goes away mid-transaction.
        await KillIdleInTransactionSessionsAsync();
        release.SetResult();
        await Assert.ThrowsAnyAsync<Exception>(() => doomedRun);

        Assert.Equal(StripeEventState.Pending, (await billing.EventAsync(receipt.EventId!)).State);
        Assert.Equal(1, await survivor.DrainAsync(Cancellation));

        Assert.Equal(StripeEventState.Applied, (await billing.EventAsync(receipt.EventId!)).State);
        Assert.Single(await billing.SuspensionsAsync(tenant.Id));
        Assert.Single(await billing.AuditAsync(tenant.Id));
        Assert.Equal(TenantStatus.Suspended, (await billing.TenantAsync(tenant.Id)).Status);
    }

    [Fact]
    public async Task SuspendEachTenantOnceWithSweepsRacing()
    {
        var billing = new BillingHarness(database, clock);
        var tenants = new List<BillingTenant>();
        for (var i = 0; i < 30; i++)
        {
            var tenant = await billing.CreateTenantAsync();
            await billing.DeliverAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));
            tenants.Add(tenant);
        }

        await billing.Processor.DrainAsync(Cancellation);
        clock.Advance(TimeSpan.FromDays(8));
        var sweepers = Enumerable.Range(0, 3)
            .Select(_ => new GraceSweeper(database.ContextFactory, billing.Audit, billing.Signal, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<GraceSweeper>.Instance))
            .ToList();

        var counts = await Task.WhenAll(sweepers.Select(s => Task.Run(() => s.SweepAsync(Cancellation), Cancellation)));

        Assert.True(counts.Sum() >= tenants.Count);
        await using var db = database.CreateContext();
        var ids = tenants.Select(t => t.Id).ToList();
        var suspensions = await db.Suspensions.Where(s => ids.Contains(s.TenantId)).ToListAsync(Cancellation);
        Assert.Equal(tenants.Count, suspensions.Count);
        Assert.All(suspensions, s => Assert.Equal(SuspensionCategory.Billing, s.Category));
        Assert.Equal(tenants.Count, await db.AuditLog.CountAsync(a => a.TenantId != null && ids.Contains(a.TenantId.Value) && a.Action == SuspensionAuditActions.Suspended, Cancellation));
    }

    [Fact]
    public async Task RefuseASecondActiveBillingSuspensionInTheDatabase()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        await using var db = database.CreateContext();
        Suspension Billing() => new() { TenantId = tenant.Id, Category = SuspensionCategory.Billing, Reason = "Unpaid", StartedAt = clock.GetUtcNow().UtcDateTime, StartedBy = "test" };
        db.Suspensions.Add(Billing());
        await db.SaveChangesAsync(Cancellation);

        db.Suspensions.Add(Billing());
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Cancellation));
    }

    private async Task KillIdleInTransactionSessionsAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @db AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()",
            connection);
        command.Parameters.AddWithValue("db", builder.Database!);
        Assert.Equal(1L, await command.ExecuteScalarAsync(Cancellation));
    }
}
