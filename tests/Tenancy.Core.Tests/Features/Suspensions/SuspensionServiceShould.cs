using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Features.Billing;
using Tenancy.Core.Tests.Infrastructure;
using Tenancy.Testing;
using static Tenancy.Core.Tests.Features.Quotas.QuotaTestData;

namespace Tenancy.Core.Tests.Features.Suspensions;

/// <summary>Suspending and resuming by hand: who may, what they must give, what is recorded, how it meets billing.</summary>
public abstract class SuspensionServiceShould(TestDatabase database)
{
    private const string Why = "Phishing pages reported by three users";
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 5, 14, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SuspendWithACategoryAReasonAndAnActorAndAuditIt()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();

        var suspension = await billing.Suspensions.SuspendAsync(Support, tenant.Id, SuspensionCategory.Abuse, "  " + Why + " ", confirmed: true, Cancellation);

        Assert.Equal((SuspensionCategory.Abuse, Why, Support.Name, TenantStatus.Active), (suspension.Category, suspension.Reason, suspension.StartedBy, suspension.StatusBefore));
        Assert.Equal(TenantStatus.Suspended, (await billing.TenantAsync(tenant.Id)).Status);
        var audit = Assert.Single(await billing.AuditAsync(tenant.Id));
        Assert.Equal((SuspensionAuditActions.Suspended, Support.Subject, Why), (audit.Action, audit.ActorSubject, audit.Reason));
        Assert.Contains("\"Abuse\"", audit.After, StringComparison.Ordinal);
        var denied = await billing.Enforcer.CheckAsync(tenant.Id, QuotaMetric.ApiRequestsPerSecond, 1, Cancellation);
        Assert.Equal(QuotaDenial.TenantSuspended, denied.Reason);
    }

    [Fact]
    public async Task RefuseAViewerAndChangeNothing()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();

        await Assert.ThrowsAsync<StaffForbiddenException>(() => billing.Suspensions.SuspendAsync(Viewer, tenant.Id, SuspensionCategory.Abuse, Why, true, Cancellation));

        Assert.Equal(TenantStatus.Active, (await billing.TenantAsync(tenant.Id)).Status);
        Assert.Empty(await billing.SuspensionsAsync(tenant.Id));
        Assert.Empty(await billing.AuditAsync(tenant.Id));
    }

    [Theory]
    [InlineData("", true, "at least 10")]
    [InlineData("too short", true, "at least 10")]
    [InlineData(Why, false, "Confirm")]
    public async Task RequireAReasonAndAConfirmation(string reason, bool confirmed, string message)
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();

        var error = await Assert.ThrowsAsync<SuspensionValidationException>(() => billing.Suspensions.SuspendAsync(Support, tenant.Id, SuspensionCategory.Other, reason, confirmed, Cancellation));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Empty(await billing.SuspensionsAsync(tenant.Id));
    }

    [Fact]
    public async Task LeaveBillingSuspensionsToBilling()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();

        await Assert.ThrowsAsync<SuspensionValidationException>(() => billing.Suspensions.SuspendAsync(Admin, tenant.Id, SuspensionCategory.Billing, Why, true, Cancellation));
        await Assert.ThrowsAsync<SuspensionValidationException>(() => billing.Suspensions.SuspendAsync(Admin, tenant.Id, (SuspensionCategory)99, Why, true, Cancellation));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => billing.Suspensions.SuspendAsync(Admin, Guid.CreateVersion7(), SuspensionCategory.Abuse, Why, true, Cancellation));
    }

    [Fact]
    public async Task SaySoWhenSomeoneAlreadySuspendedItForTheSameCategory()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        await billing.Suspensions.SuspendAsync(Support, tenant.Id, SuspensionCategory.Compliance, "Sanctions screening hit pending review", true, Cancellation);

        var error = await Assert.ThrowsAsync<SuspensionConflictException>(() => billing.Suspensions.SuspendAsync(Admin, tenant.Id, SuspensionCategory.Compliance, "Sanctions screening hit, second report", true, Cancellation));

        Assert.Contains(Support.Name, error.Message, StringComparison.Ordinal);
        Assert.Single(await billing.SuspensionsAsync(tenant.Id));
    }

    [Fact]
    public async Task ResumeOnlyTheChosenSuspensionsAndReturnToTheEarlierStatus()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync(TenantStatus.Trial, withCustomer: false);
        var abuse = await billing.Suspensions.SuspendAsync(Support, tenant.Id, SuspensionCategory.Abuse, Why, true, Cancellation);
        var request = await billing.Suspensions.SuspendAsync(Support, tenant.Id, SuspensionCategory.CustomerRequest, "Customer asked to pause during a migration", true, Cancellation);
        Assert.Equal(TenantStatus.Trial, request.StatusBefore);

        Assert.Equal(TenantStatus.Suspended, await billing.Suspensions.ResumeAsync(Support, tenant.Id, [abuse.Id], "Pages removed, checked by hand", true, Cancellation));
        Assert.Equal(TenantStatus.Trial, await billing.Suspensions.ResumeAsync(Admin, tenant.Id, [request.Id], "Migration finished, customer called", true, Cancellation));

        var history = await billing.SuspensionsAsync(tenant.Id);
        Assert.All(history, s => Assert.False(s.IsActive));
        Assert.Equal((Admin.Name, "Migration finished, customer called"), (history[1].LiftedBy, history[1].LiftReason));
        Assert.Equal(
            [SuspensionAuditActions.Suspended, SuspensionAuditActions.Suspended, SuspensionAuditActions.Resumed, SuspensionAuditActions.Resumed],
            (await billing.AuditAsync(tenant.Id)).Select(a => a.Action));
        Assert.True((await billing.Enforcer.CheckAsync(tenant.Id, QuotaMetric.ApiRequestsPerSecond, 1, Cancellation)).Allowed);
    }

    [Fact]
    public async Task RefuseToLiftABillingSuspensionByHand()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        await billing.DeliverAndApplyAsync(StripeTestEvents.SubscriptionUpdated(tenant.Customer, tenant.Subscription, "unpaid", clock.GetUtcNow()));
        var billingSuspension = Assert.Single(await billing.SuspensionsAsync(tenant.Id));

        var error = await Assert.ThrowsAsync<SuspensionValidationException>(() => billing.Suspensions.ResumeAsync(Admin, tenant.Id, [billingSuspension.Id], "Goodwill gesture for a loyal customer", true, Cancellation));

        Assert.Contains("Stripe reports a payment", error.Message, StringComparison.Ordinal);
        Assert.Equal(TenantStatus.Suspended, (await billing.TenantAsync(tenant.Id)).Status);
    }

    [Fact]
    public async Task SaySoWhenTheSuspensionWasLiftedMeanwhile()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        var abuse = await billing.Suspensions.SuspendAsync(Support, tenant.Id, SuspensionCategory.Abuse, Why, true, Cancellation);
        await billing.Suspensions.ResumeAsync(Admin, tenant.Id, [abuse.Id], "Pages removed, checked by hand", true, Cancellation);

        var error = await Assert.ThrowsAsync<SuspensionConflictException>(() => billing.Suspensions.ResumeAsync(Support, tenant.Id, [abuse.Id], "Pages removed, checked by hand", true, Cancellation));

        Assert.Contains(Admin.Name, error.Message, StringComparison.Ordinal);
        Assert.Single(await billing.AuditAsync(tenant.Id), a => a.Action == SuspensionAuditActions.Resumed);
    }

    [Fact]
    public async Task StayPastDueAfterAManualSuspensionIsLiftedWhileStillUnpaid()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));
        var abuse = await billing.Suspensions.SuspendAsync(Support, tenant.Id, SuspensionCategory.Abuse, Why, true, Cancellation);

        var status = await billing.Suspensions.ResumeAsync(Support, tenant.Id, [abuse.Id], "Pages removed, checked by hand", true, Cancellation);

        Assert.Equal(TenantStatus.PastDue, status);
    }

    [Fact]
    public async Task ListHistoryNewestFirstWithTheActiveOnes()
    {
        var billing = new BillingHarness(database, clock);
        var tenant = await billing.CreateTenantAsync();
        var first = await billing.Suspensions.SuspendAsync(Support, tenant.Id, SuspensionCategory.Abuse, Why, true, Cancellation);
        await billing.Suspensions.ResumeAsync(Support, tenant.Id, [first.Id], "Pages removed, checked by hand", true, Cancellation);
        clock.Advance(TimeSpan.FromHours(1));
        var second = await billing.Suspensions.SuspendAsync(Support, tenant.Id, SuspensionCategory.Other, "Chargeback dispute under review", true, Cancellation);

        var view = await billing.Suspensions.GetAsync(tenant.Id, Cancellation);

        Assert.NotNull(view);
        Assert.Equal([second.Id, first.Id], view.History.Select(s => s.Id));
        Assert.Equal(second.Id, Assert.Single(view.ActiveManual).Id);
        Assert.Null(view.ActiveBilling);
        Assert.Null(await billing.Suspensions.GetAsync(Guid.CreateVersion7(), Cancellation));
    }
}

public sealed class SuspensionServiceShouldOnPostgres(PostgresDatabase database)
    : SuspensionServiceShould(database), IClassFixture<PostgresDatabase>;

public sealed class SuspensionServiceShouldOnSqlite(SqliteDatabase database)
    : SuspensionServiceShould(database), IClassFixture<SqliteDatabase>;
