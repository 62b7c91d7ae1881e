using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;
using Tenancy.Testing;
using static Tenancy.Core.Tests.Features.Quotas.QuotaTestData;

namespace Tenancy.Core.Tests.Features.Billing;

/// <summary>
/// Every billing transition, driven by Stripe-signed events through the receiver and the
/// processor: past due with grace, suspension when it runs out or Stripe says so, recovery on
/// payment; replays, out-of-order delivery, unknown customers, poison events.
/// </summary>
public abstract class StripeEventProcessorShould(TestDatabase database)
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PutATenantPastDueWithAGraceDeadlineWhenAPaymentFails()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        var failedAt = clock.GetUtcNow();

        var receipt = await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, failedAt));

        Assert.Equal(TenantStatus.PastDue, (await billing.TenantAsync(tenant.Id)).Status);
        var row = await billing.BillingRowAsync(tenant.Id);
        Assert.NotNull(row);
        Assert.Equal(failedAt.UtcDateTime, row.PastDueSince);
        Assert.Equal(failedAt.UtcDateTime.AddDays(7), row.GraceDeadline);
        Assert.Equal((SubscriptionStatuses.PastDue, false), (row.SubscriptionStatus, row.SuspendedForBilling));
        var applied = await billing.EventAsync(receipt.EventId!);
        Assert.Equal((StripeEventState.Applied, tenant.Id), (applied.State, applied.TenantId));
        Assert.Contains("grace until 2026-11-09 09:30", applied.Outcome, StringComparison.Ordinal);
        var audit = Assert.Single(await billing.AuditAsync(tenant.Id));
        Assert.Equal((BillingAuditActions.PastDue, BillingActors.Stripe.Subject), (audit.Action, audit.ActorSubject));
    }

    [Fact]
    public async Task UseTheConfiguredGracePeriod()
    {
        var billing = new BillingHarness(database, clock, new BillingOptions { GracePeriod = TimeSpan.FromDays(3) });
        var tenant = await billing.CreateTenantAsync();

        await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));

        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddDays(3), (await billing.BillingRowAsync(tenant.Id))!.GraceDeadline);
    }

    [Fact]
    public async Task AllowAndFlagAPastDueTenantWithinGrace()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));

        var decision = await billing.Enforcer.TryConsumeAsync(tenant.Id, QuotaMetric.ApiRequestsPerMonth, 1, Cancellation);

        Assert.True(decision.Allowed);
        Assert.True(decision.PastDue);
        Assert.Contains("past due", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepTheFirstFailuresDeadlineWhenPaymentsKeepFailing()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        var first = clock.GetUtcNow();
        await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, first));
        clock.Advance(TimeSpan.FromDays(3));

        await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));
        await billing.DeliverAndApplyAsync(StripeTestEvents.SubscriptionUpdated(tenant.Customer, tenant.Subscription, "past_due", clock.GetUtcNow(), "active"));

        Assert.Equal(first.UtcDateTime.AddDays(7), (await billing.BillingRowAsync(tenant.Id))!.GraceDeadline);
        Assert.Single(await billing.AuditAsync(tenant.Id));
    }

    [Fact]
    public async Task SuspendWhenTheGraceRunsOutUnpaidAndRefuseTheTenant()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));
        Assert.True((await billing.Enforcer.CheckAsync(tenant.Id, QuotaMetric.ApiRequestsPerMonth, 1, Cancellation)).Allowed);

        // (Other tests' tenants share the database, so the sweep's counts are not this tenant's alone.)
        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        await billing.Sweeper.SweepAsync(Cancellation);
        Assert.Equal(TenantStatus.PastDue, (await billing.TenantAsync(tenant.Id)).Status);

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await billing.Sweeper.SweepAsync(Cancellation) >= 1);

        Assert.Equal(TenantStatus.Suspended, (await billing.TenantAsync(tenant.Id)).Status);
        var suspension = Assert.Single(await billing.SuspensionsAsync(tenant.Id));
        Assert.Equal((SuspensionCategory.Billing, BillingActors.GraceSweep.Name, true), (suspension.Category, suspension.StartedBy, suspension.IsActive));
        Assert.True((await billing.BillingRowAsync(tenant.Id))!.SuspendedForBilling);
        await billing.Enforcer.RefreshAsync(cancellationToken: Cancellation);
        var decision = await billing.Enforcer.CheckAsync(tenant.Id, QuotaMetric.ApiRequestsPerMonth, 1, Cancellation);
        Assert.Equal(QuotaDenial.TenantSuspended, decision.Reason);
        Assert.Equal("The tenant is suspended for billing: its payment is overdue.", decision.Message);

        // Idempotent: the next sweeps change nothing.
        await billing.Sweeper.SweepAsync(Cancellation);
        await billing.Sweeper.SweepAsync(Cancellation);
        Assert.Single(await billing.SuspensionsAsync(tenant.Id));
        Assert.Equal([BillingAuditActions.PastDue, SuspensionAuditActions.Suspended], (await billing.AuditAsync(tenant.Id)).Select(a => a.Action));
    }

    [Fact]
    public async Task LiftTheBillingSuspensionWhenThePaymentSucceeds()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromDays(8));
        await billing.Sweeper.SweepAsync(Cancellation);

        await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaid(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));

        Assert.Equal(TenantStatus.Active, (await billing.TenantAsync(tenant.Id)).Status);
        var row = await billing.BillingRowAsync(tenant.Id);
        Assert.Equal((null, null, false, SubscriptionStatuses.Active), (row!.PastDueSince, row.GraceDeadline, row.SuspendedForBilling, row.SubscriptionStatus));
        var suspension = Assert.Single(await billing.SuspensionsAsync(tenant.Id));
        Assert.False(suspension.IsActive);
        Assert.Equal(BillingActors.Stripe.Name, suspension.LiftedBy);
        Assert.True((await billing.Enforcer.CheckAsync(tenant.Id, QuotaMetric.ApiRequestsPerMonth, 1, Cancellation)).Allowed);
        Assert.Equal(SuspensionAuditActions.Resumed, (await billing.AuditAsync(tenant.Id))[^1].Action);
    }

    [Theory]
    [InlineData("invoice.paid")]
    [InlineData("invoice.payment_succeeded")]
    [InlineData("active")]
    public async Task ClearPastDueOnPaymentOrAnActiveSubscription(string signal)
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromHours(5));

        await billing.DeliverAndApplyAsync(signal switch
        {
            "invoice.paid" => StripeTestEvents.InvoicePaid(tenant.Customer, tenant.Subscription, clock.GetUtcNow()),
            "invoice.payment_succeeded" => StripeTestEvents.InvoicePaymentSucceeded(tenant.Customer, tenant.Subscription, clock.GetUtcNow()),
            _ => StripeTestEvents.SubscriptionUpdated(tenant.Customer, tenant.Subscription, "active", clock.GetUtcNow(), "past_due"),
        });

        Assert.Equal(TenantStatus.Active, (await billing.TenantAsync(tenant.Id)).Status);
        Assert.Null((await billing.BillingRowAsync(tenant.Id))!.PastDueSince);
        Assert.Equal(BillingAuditActions.Settled, (await billing.AuditAsync(tenant.Id))[^1].Action);
    }

    [Theory]
    [InlineData("unpaid")]
    [InlineData("canceled")]
    [InlineData("incomplete_expired")]
    [InlineData("paused")]
    public async Task SuspendAtOnceWhenStripeReportsTheSubscriptionEndsAccess(string status)
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();

        var receipt = await billing.DeliverAndApplyAsync(StripeTestEvents.SubscriptionUpdated(tenant.Customer, tenant.Subscription, status, clock.GetUtcNow(), "past_due"));

        Assert.Equal(TenantStatus.Suspended, (await billing.TenantAsync(tenant.Id)).Status);
        var suspension = Assert.Single(await billing.SuspensionsAsync(tenant.Id));
        Assert.Equal(SuspensionCategory.Billing, suspension.Category);
        Assert.Contains(status, suspension.Reason, StringComparison.Ordinal);
        Assert.Equal(status, (await billing.BillingRowAsync(tenant.Id))!.SubscriptionStatus);
        Assert.Equal(StripeEventState.Applied, (await billing.EventAsync(receipt.EventId!)).State);
    }

    [Fact]
    public async Task SuspendWhenTheSubscriptionIsDeletedAndResumeWhenANewOneIsActive()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        await billing.DeliverAndApplyAsync(StripeTestEvents.SubscriptionDeleted(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));
        Assert.Equal(TenantStatus.Suspended, (await billing.TenantAsync(tenant.Id)).Status);

        clock.Advance(TimeSpan.FromDays(2));
        var replacement = StripeTestEvents.NewId("sub_");
        await billing.DeliverAndApplyAsync(StripeTestEvents.SubscriptionUpdated(tenant.Customer, replacement, "active", clock.GetUtcNow(), "incomplete"));

        Assert.Equal(TenantStatus.Active, (await billing.TenantAsync(tenant.Id)).Status);
        Assert.Equal(replacement, (await billing.TenantAsync(tenant.Id)).StripeSubscriptionId);
        Assert.False(Assert.Single(await billing.SuspensionsAsync(tenant.Id)).IsActive);
    }

    [Fact]
    public async Task IgnoreTheOldSubscriptionsEventsAfterItWasReplaced()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        var replacement = StripeTestEvents.NewId("sub_");
        await billing.DeliverAndApplyAsync(StripeTestEvents.SubscriptionUpdated(tenant.Customer, replacement, "active", clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromMinutes(1));

        var receipt = await billing.DeliverAndApplyAsync(StripeTestEvents.SubscriptionDeleted(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));

        Assert.Equal(TenantStatus.Active, (await billing.TenantAsync(tenant.Id)).Status);
        var ignored = await billing.EventAsync(receipt.EventId!);
        Assert.Equal(StripeEventState.Ignored, ignored.State);
        Assert.Contains("not the tenant's current subscription", ignored.Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowTrialingAsTrial()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync(TenantStatus.Active);

        await billing.DeliverAndApplyAsync(StripeTestEvents.SubscriptionUpdated(tenant.Customer, tenant.Subscription, "trialing", clock.GetUtcNow()));

        Assert.Equal(TenantStatus.Trial, (await billing.TenantAsync(tenant.Id)).Status);
    }

    [Fact]
    public async Task ApplyAnEventDeliveredTenTimesOnce()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        var payload = StripeTestEvents.SubscriptionUpdated(tenant.Customer, tenant.Subscription, "unpaid", clock.GetUtcNow());

        for (var i = 0; i < 10; i++)
        {
            await billing.DeliverAndApplyAsync(payload);
        }

        Assert.Single(await billing.SuspensionsAsync(tenant.Id));
        Assert.Single(await billing.AuditAsync(tenant.Id));
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.StripeEvents.CountAsync(e => e.CustomerId == tenant.Customer, Cancellation));
    }

    [Fact]
    public async Task NotLetAnOlderEventOverwriteANewerOne()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        var failedAt = clock.GetUtcNow();
        var olderFailure = StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, failedAt);
        var newerActive = StripeTestEvents.SubscriptionUpdated(tenant.Customer, tenant.Subscription, "active", failedAt.AddSeconds(10), "past_due");

        // Stripe delivers the newer event first.
        await billing.DeliverAndApplyAsync(newerActive);
        var stale = await billing.DeliverAndApplyAsync(olderFailure);

        Assert.Equal(TenantStatus.Active, (await billing.TenantAsync(tenant.Id)).Status);
        Assert.Null((await billing.BillingRowAsync(tenant.Id))!.PastDueSince);
        var row = await billing.EventAsync(stale.EventId!);
        Assert.Equal(StripeEventState.Stale, row.State);
        Assert.Contains("Older than", row.Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyOneCustomersEventsOldestFirstWhenTheyArriveTogether()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        var t0 = clock.GetUtcNow();

        // Received newest first, processed in one batch.
        await billing.DeliverAsync(StripeTestEvents.InvoicePaid(tenant.Customer, tenant.Subscription, t0.AddSeconds(30)));
        await billing.DeliverAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, t0));
        await billing.Processor.DrainAsync(Cancellation);

        // Applied in Stripe's order: past due, then settled (the other way round the payment would
        // be stale and the tenant left past due). Both entries share one timestamp, so compare as a set.
        Assert.Equal(TenantStatus.Active, (await billing.TenantAsync(tenant.Id)).Status);
        Assert.Equal([BillingAuditActions.PastDue, BillingAuditActions.Settled], (await billing.AuditAsync(tenant.Id)).Select(a => a.Action).Order());
    }

    [Fact]
    public async Task ParkAnEventForAnUnknownCustomerAndApplyItWhenStaffLinkTheCustomer()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync(withCustomer: false);
        var customer = StripeTestEvents.NewId("cus_");

        var receipt = await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(customer, tenant.Subscription, clock.GetUtcNow()));

        var parked = await billing.EventAsync(receipt.EventId!);
        Assert.Equal((StripeEventState.Parked, (Guid?)null), (parked.State, parked.TenantId));
        Assert.Contains(customer, parked.Outcome, StringComparison.Ordinal);
        Assert.Equal(1, (await billing.Billing.CountAttentionAsync(Cancellation))[StripeEventState.Parked]);

        await Assert.ThrowsAsync<StaffForbiddenException>(() => billing.Billing.LinkCustomerAsync(Support, tenant.Id, customer, "Customer id from the Stripe dashboard", Cancellation));
        Assert.Equal(1, await billing.Billing.LinkCustomerAsync(Admin, tenant.Id, customer, "Customer id from the Stripe dashboard", Cancellation));
        await billing.Processor.DrainAsync(Cancellation);

        Assert.Equal((StripeEventState.Applied, (Guid?)tenant.Id), ((await billing.EventAsync(receipt.EventId!)).State, (await billing.EventAsync(receipt.EventId!)).TenantId));
        Assert.Equal(TenantStatus.PastDue, (await billing.TenantAsync(tenant.Id)).Status);
        Assert.Contains(await billing.AuditAsync(tenant.Id), a => a.Action == BillingAuditActions.CustomerLinked && a.ActorSubject == Admin.Subject);
    }

    [Fact]
    public async Task RequeueParkedEventsWhenTheCustomerAppearsOnATenantByAnyPath()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync(withCustomer: false);
        var customer = StripeTestEvents.NewId("cus_");
        var receipt = await billing.DeliverAndApplyAsync(StripeTestEvents.SubscriptionUpdated(customer, tenant.Subscription, "unpaid", clock.GetUtcNow()));
        Assert.Equal(0, await billing.Sweeper.RequeueLinkedAsync(Cancellation));

        // The product links the customer itself (for example at checkout), not through the portal.
        await using (var db = database.CreateContext())
        {
            await db.Tenants.Where(t => t.Id == tenant.Id).ExecuteUpdateAsync(u => u.SetProperty(t => t.StripeCustomerId, customer), Cancellation);
        }

        Assert.Equal(1, await billing.Sweeper.RequeueLinkedAsync(Cancellation));
        await billing.Processor.DrainAsync(Cancellation);

        Assert.Equal(StripeEventState.Applied, (await billing.EventAsync(receipt.EventId!)).State);
        Assert.Equal(TenantStatus.Suspended, (await billing.TenantAsync(tenant.Id)).Status);
    }

    [Fact]
    public async Task RefuseToLinkACustomerAnotherTenantHas()
    {
        var billing = new BillingHarness(database, clock);
        var owner = await billing.CreateTenantAsync();
        var other = await billing.CreateTenantAsync(withCustomer: false);

        var error = await Assert.ThrowsAsync<BillingValidationException>(() => billing.Billing.LinkCustomerAsync(Admin, other.Id, owner.Customer, "Customer id from the Stripe dashboard", Cancellation));
        Assert.Contains("Another tenant", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<BillingValidationException>(() => billing.Billing.LinkCustomerAsync(Admin, other.Id, "cus_x'; DROP TABLE tenants;--", "Customer id from the Stripe dashboard", Cancellation));
        Assert.Null((await billing.TenantAsync(other.Id)).StripeCustomerId);
    }

    [Fact]
    public async Task StoreAndIgnoreEventTypesBillingDoesNotActOn()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();

        var receipt = await billing.DeliverAndApplyAsync(StripeTestEvents.CustomerUpdated(tenant.Customer, clock.GetUtcNow()));

        var ignored = await billing.EventAsync(receipt.EventId!);
        Assert.Equal((StripeEventState.Ignored, tenant.Customer), (ignored.State, ignored.CustomerId));
        Assert.Equal(TenantStatus.Active, (await billing.TenantAsync(tenant.Id)).Status);
    }

    [Fact]
    public async Task RetryAPoisonEventWithBackoffThenMarkItFailedForStaffToReplay()
    {
        var billing = new BillingHarness(database, clock, new BillingOptions { MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromSeconds(30) });
        var poison = StripeTestEvents.Custom("invoice.payment_failed", clock.GetUtcNow(), new JsonObject { ["id"] = "in_poison", ["object"] = "invoice" });
        var receipt = await billing.DeliverAsync(poison);

        await billing.Processor.DrainAsync(Cancellation);
        var first = await billing.EventAsync(receipt.EventId!);
        Assert.Equal((StripeEventState.Pending, 1), (first.State, first.Attempts));
        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddSeconds(30), first.NextAttemptAt);
        Assert.Contains("names no customer", first.LastError, StringComparison.Ordinal);

        // Not due yet: nothing happens.
        Assert.Equal(0, await billing.Processor.DrainAsync(Cancellation));
        clock.Advance(TimeSpan.FromSeconds(30));
        await billing.Processor.DrainAsync(Cancellation);
        var second = await billing.EventAsync(receipt.EventId!);
        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddSeconds(60), second.NextAttemptAt); // doubled
        clock.Advance(TimeSpan.FromSeconds(60));
        await billing.Processor.DrainAsync(Cancellation);

        var failed = await billing.EventAsync(receipt.EventId!);
        Assert.Equal((StripeEventState.Failed, 3), (failed.State, failed.Attempts));
        Assert.Equal(1, (await billing.Billing.CountAttentionAsync(Cancellation))[StripeEventState.Failed]);

        await Assert.ThrowsAsync<StaffForbiddenException>(() => billing.Billing.ReplayAsync(Support, receipt.EventId!, Cancellation));
        await billing.Billing.ReplayAsync(Admin, receipt.EventId!, Cancellation);
        var replayed = await billing.EventAsync(receipt.EventId!);
        Assert.Equal((StripeEventState.Pending, 0), (replayed.State, replayed.Attempts));
        await Assert.ThrowsAsync<BillingValidationException>(() => billing.Billing.ReplayAsync(Admin, receipt.EventId!, Cancellation));
    }

    [Fact]
    public async Task KeepTheRestOfABatchWhenOneEventFails()
    {
        var billing = new BillingHarness(database, clock);
        var good = await billing.CreateTenantAsync();
        var bad = await billing.CreateTenantAsync();
        var goodEvent = await billing.DeliverAsync(StripeTestEvents.InvoicePaymentFailed(good.Customer, good.Subscription, clock.GetUtcNow()));
        var badEvent = await billing.DeliverAsync(StripeTestEvents.InvoicePaymentFailed(bad.Customer, bad.Subscription, clock.GetUtcNow()));
        billing.Probe.FailSavingOutcomeOf = badEvent.EventId;

        await billing.Processor.ProcessBatchAsync(Cancellation);

        Assert.Equal(StripeEventState.Applied, (await billing.EventAsync(goodEvent.EventId!)).State);
        Assert.Equal(TenantStatus.PastDue, (await billing.TenantAsync(good.Id)).Status);
        var failed = await billing.EventAsync(badEvent.EventId!);
        Assert.Equal((StripeEventState.Pending, 1), (failed.State, failed.Attempts));
        Assert.Equal(TenantStatus.Active, (await billing.TenantAsync(bad.Id)).Status);
        Assert.Null(await billing.BillingRowAsync(bad.Id));
    }

    [Fact]
    public async Task CommitNothingWhenTheWorkerStopsMidBatch()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        var receipt = await billing.DeliverAsync(StripeTestEvents.SubscriptionUpdated(tenant.Customer, tenant.Subscription, "unpaid", clock.GetUtcNow()));
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        billing.Probe.BeforeCommit = commitToken =>
        {
            stopping.Cancel();
            commitToken.ThrowIfCancellationRequested();
            return Task.CompletedTask;
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => billing.Processor.ProcessBatchAsync(stopping.Token));

        Assert.Equal(StripeEventState.Pending, (await billing.EventAsync(receipt.EventId!)).State);
        Assert.Empty(await billing.SuspensionsAsync(tenant.Id));

        billing.Probe.BeforeCommit = null;
        await billing.Processor.DrainAsync(Cancellation);
        Assert.Single(await billing.SuspensionsAsync(tenant.Id));
        Assert.Single(await billing.AuditAsync(tenant.Id));
    }

    [Fact]
    public async Task NotLetAPaymentLiftAManualSuspension()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        await billing.Suspensions.SuspendAsync(Support, tenant.Id, SuspensionCategory.Abuse, "Phishing pages reported by three users", confirmed: true, Cancellation);
        await billing.DeliverAndApplyAsync(StripeTestEvents.SubscriptionUpdated(tenant.Customer, tenant.Subscription, "unpaid", clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromHours(1));

        var paid = await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaid(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));

        Assert.Equal(TenantStatus.Suspended, (await billing.TenantAsync(tenant.Id)).Status);
        var active = (await billing.SuspensionsAsync(tenant.Id)).Where(s => s.IsActive).ToList();
        Assert.Equal(SuspensionCategory.Abuse, Assert.Single(active).Category);
        Assert.Contains("Still suspended by staff", (await billing.EventAsync(paid.EventId!)).Outcome, StringComparison.Ordinal);
        await billing.Enforcer.RefreshAsync(cancellationToken: Cancellation);
        Assert.Equal("The tenant is suspended by staff (abuse).", (await billing.Enforcer.CheckAsync(tenant.Id, QuotaMetric.Seats, 1, Cancellation)).Message);
    }

    [Fact]
    public async Task SuspendAtOnceWhenAFailureArrivesAfterItsGraceHasPassed()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        var customer = tenant.Customer;
        var failedAt = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromDays(9)); // delivered (or parked) long after it happened

        await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(customer, tenant.Subscription, failedAt));

        Assert.Equal(TenantStatus.Suspended, (await billing.TenantAsync(tenant.Id)).Status);
    }
}

public sealed class StripeEventProcessorShouldOnPostgres(PostgresDatabase database)
    : StripeEventProcessorShould(database), IClassFixture<PostgresDatabase>;

public sealed class StripeEventProcessorShouldOnSqlite(SqliteDatabase database)
    : StripeEventProcessorShould(database), IClassFixture<SqliteDatabase>;
