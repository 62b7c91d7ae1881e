using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;
using Tenancy.Testing;

namespace Tenancy.Core.Tests.Features.Billing;

/// <summary>Staff give a past-due tenant more time to pay: checked, capped, audited, and the sweep honours it.</summary>
public abstract class GraceExtensionShould(TestDatabase database)
{
    private const string Reason = "Customer promised payment by Friday";
    private static readonly StaffActor Sam = new("sub-sam", "Sam Support", "sam@example.test", new HashSet<StaffRole> { StaffRole.Support });
    private static readonly StaffActor Vera = new("sub-vera", "Vera Viewer", null, new HashSet<StaffRole> { StaffRole.Viewer });
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MoveTheDeadlineSoTheSweepSuspendsLaterAndAuditIt()
    {
        var (billing, tenant, deadline) = await PastDueAsync();
        var extended = deadline.AddDays(5);

        await billing.Billing.ExtendGraceAsync(Sam, tenant, extended, deadline, Reason, Cancellation);

        Assert.Equal(extended, (await billing.BillingRowAsync(tenant))!.GraceDeadline);
        clock.Advance(TimeSpan.FromDays(8));
        await billing.Sweeper.SweepAsync(Cancellation);
        Assert.Equal(TenantStatus.PastDue, (await billing.TenantAsync(tenant)).Status);
        clock.Advance(TimeSpan.FromDays(5));
        await billing.Sweeper.SweepAsync(Cancellation);
        Assert.Equal(TenantStatus.Suspended, (await billing.TenantAsync(tenant)).Status);

        var entry = Assert.Single(await billing.AuditAsync(tenant), e => e.Action == BillingAuditActions.GraceExtended);
        Assert.Equal(("Sam Support", Reason), (entry.ActorName, entry.Reason));
        Assert.Contains("2026-11-09T09:30:00", entry.Before, StringComparison.Ordinal);
        Assert.Contains("2026-11-14T09:30:00", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefuseADeadlinePastTheMaximumOrNotLaterAndChangeNothing()
    {
        var (billing, tenant, deadline) = await PastDueAsync(new BillingOptions { MaxGracePeriod = TimeSpan.FromDays(14) });

        var tooLate = await Assert.ThrowsAsync<BillingValidationException>(
            () => billing.Billing.ExtendGraceAsync(Sam, tenant, deadline.AddDays(8), deadline, Reason, Cancellation));
        var earlier = await Assert.ThrowsAsync<BillingValidationException>(
            () => billing.Billing.ExtendGraceAsync(Sam, tenant, deadline.AddHours(-1), deadline, Reason, Cancellation));
        var noReason = await Assert.ThrowsAsync<BillingValidationException>(
            () => billing.Billing.ExtendGraceAsync(Sam, tenant, deadline.AddDays(1), deadline, "soon", Cancellation));

        Assert.Equal("Grace can run at most 14 days from when the tenant became past due: until 2026-11-16 09:30 UTC at the latest.", tooLate.Message);
        Assert.StartsWith("Choose a deadline after the current one (2026-11-09 09:30 UTC)", earlier.Message, StringComparison.Ordinal);
        Assert.Contains("at least 10 characters", noReason.Message, StringComparison.Ordinal);
        Assert.Equal(deadline, (await billing.BillingRowAsync(tenant))!.GraceDeadline);
        Assert.DoesNotContain(await billing.AuditAsync(tenant), e => e.Action == BillingAuditActions.GraceExtended);
    }

    [Fact]
    public async Task RefuseWhenSomeoneChangedTheDeadlineMeanwhile()
    {
        var (billing, tenant, deadline) = await PastDueAsync();
        await billing.Billing.ExtendGraceAsync(Sam, tenant, deadline.AddDays(2), deadline, Reason, Cancellation);

        var error = await Assert.ThrowsAsync<BillingValidationException>(
            () => billing.Billing.ExtendGraceAsync(Sam, tenant, deadline.AddDays(4), deadline, Reason, Cancellation));

        Assert.Equal("The grace deadline changed meanwhile: it is now 2026-11-11 09:30 UTC. Look again before extending it.", error.Message);
        Assert.Equal(deadline.AddDays(2), (await billing.BillingRowAsync(tenant))!.GraceDeadline);
    }

    [Fact]
    public async Task RefuseATenantThatIsNotPastDueOrAlreadySuspendedForBilling()
    {
        var billing = new BillingHarness(database, clock);
        var paying = await billing.CreateTenantAsync();
        var (_, suspended, deadline) = await PastDueAsync(harness: billing);
        clock.Advance(TimeSpan.FromDays(8));
        await billing.Sweeper.SweepAsync(Cancellation);

        var notPastDue = await Assert.ThrowsAsync<BillingValidationException>(
            () => billing.Billing.ExtendGraceAsync(Sam, paying.Id, deadline, deadline, Reason, Cancellation));
        var alreadySuspended = await Assert.ThrowsAsync<BillingValidationException>(
            () => billing.Billing.ExtendGraceAsync(Sam, suspended, deadline.AddDays(10), deadline, Reason, Cancellation));

        Assert.Equal("The tenant is not past due: it has no grace period to extend.", notPastDue.Message);
        Assert.Equal("The tenant is already suspended for billing; a payment lifts the suspension.", alreadySuspended.Message);
    }

    [Fact]
    public async Task RefuseAViewerOnTheServer()
    {
        var (billing, tenant, deadline) = await PastDueAsync();

        await Assert.ThrowsAsync<StaffForbiddenException>(
            () => billing.Billing.ExtendGraceAsync(Vera, tenant, deadline.AddDays(1), deadline, Reason, Cancellation));

        Assert.Equal(deadline, (await billing.BillingRowAsync(tenant))!.GraceDeadline);
    }

    private async Task<(BillingHarness Billing, Guid Tenant, DateTime Deadline)> PastDueAsync(BillingOptions? options = null, BillingHarness? harness = null)
    {
        var billing = harness ?? new BillingHarness(database, clock, options);
        var tenant = await billing.CreateTenantAsync();
        await billing.DeliverAndApplyAsync(StripeTestEvents.InvoicePaymentFailed(tenant.Customer, tenant.Subscription, clock.GetUtcNow()));
        var deadline = (await billing.BillingRowAsync(tenant.Id))!.GraceDeadline!.Value;
        return (billing, tenant.Id, deadline);
    }
}

public sealed class GraceExtensionShouldOnPostgres(PostgresDatabase database)
    : GraceExtensionShould(database), IClassFixture<PostgresDatabase>;

public sealed class GraceExtensionShouldOnSqlite(SqliteDatabase database)
    : GraceExtensionShould(database), IClassFixture<SqliteDatabase>;
