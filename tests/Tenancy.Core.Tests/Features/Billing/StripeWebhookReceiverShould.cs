using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Tests.Infrastructure;
using Tenancy.Testing;

namespace Tenancy.Core.Tests.Features.Billing;

/// <summary>Signature checks and the inbox: what is stored, what is refused, what is acknowledged twice.</summary>
public abstract class StripeWebhookReceiverShould(TestDatabase database)
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StoreAVerifiedEventExactlyAsSentAndAnswerAtOnce()
    {
        var harness = new BillingHarness(database, clock);
        var payload = StripeTestEvents.InvoicePaymentFailed("cus_store1", "sub_store1", clock.GetUtcNow());

        var receipt = await harness.DeliverAsync(payload);

        Assert.Equal(WebhookOutcome.Accepted, receipt.Outcome);
        var stored = await harness.EventAsync(receipt.EventId!);
        Assert.Equal(payload, stored.Payload);
        Assert.Equal(("invoice.payment_failed", "cus_store1", "sub_store1", StripeEventState.Pending, 0), (stored.Type, stored.CustomerId, stored.SubscriptionId, stored.State, stored.Attempts));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().ToUnixTimeSeconds()).UtcDateTime, stored.CreatedAt);
        Assert.Equal(StripeTestEvents.ApiVersion, stored.ApiVersion);
        Assert.Null(stored.ProcessedAt); // processing is not done in the request
    }

    [Fact]
    public async Task AcknowledgeARedeliveryWithoutStoringItAgain()
    {
        var harness = new BillingHarness(database, clock);
        var payload = StripeTestEvents.InvoicePaid("cus_dup1", "sub_dup1", clock.GetUtcNow());

        var receipts = new List<WebhookReceipt>();
        for (var i = 0; i < 10; i++)
        {
            receipts.Add(await harness.DeliverAsync(payload));
        }

        Assert.Equal(WebhookOutcome.Accepted, receipts[0].Outcome);
        Assert.All(receipts.Skip(1), r => Assert.Equal(WebhookOutcome.Duplicate, r.Outcome));
        Assert.Equal(1, await CountAsync(receipts[0].EventId!));
    }

    [Fact]
    public async Task RefuseASignatureMadeWithAnotherSecretAndStoreNothing()
    {
        var harness = new BillingHarness(database, clock);
        var payload = StripeTestEvents.InvoicePaid("cus_forged", "sub_forged", clock.GetUtcNow());

        var receipt = await harness.DeliverAsync(payload, secret: "whsec_attacker_guess_0000000000000000");

        Assert.Equal(WebhookOutcome.Rejected, receipt.Outcome);
        Assert.Equal(0, await CountForCustomerAsync("cus_forged"));
    }

    [Fact]
    public async Task RefuseABodyChangedAfterSigning()
    {
        var harness = new BillingHarness(database, clock);
        var signed = StripeTestEvents.InvoicePaymentFailed("cus_tamper", "sub_tamper", clock.GetUtcNow());
        var header = StripeTestEvents.Sign(signed, clock.GetUtcNow());
        var tampered = signed.Replace("invoice.payment_failed", "invoice.paid", StringComparison.Ordinal);

        var receipt = await harness.Receiver.ReceiveAsync(tampered, header, Cancellation);

        Assert.Equal(WebhookOutcome.Rejected, receipt.Outcome);
        Assert.Equal(0, await CountForCustomerAsync("cus_tamper"));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(-3600)]
    public async Task RefuseASignatureOutsideTheToleranceAndStoreNothing(int secondsFromNow)
    {
        var harness = new BillingHarness(database, clock);
        var customer = "cus_stale" + (-secondsFromNow);
        var payload = StripeTestEvents.InvoicePaid(customer, "sub_stale", clock.GetUtcNow());

        var receipt = await harness.Receiver.ReceiveAsync(payload, StripeTestEvents.Sign(payload, clock.GetUtcNow().AddSeconds(secondsFromNow)), Cancellation);

        Assert.Equal(WebhookOutcome.Rejected, receipt.Outcome);
        Assert.Contains("tolerance", receipt.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await CountForCustomerAsync(customer));
    }

    [Fact]
    public async Task AcceptASignatureJustInsideTheTolerance()
    {
        var harness = new BillingHarness(database, clock);
        var payload = StripeTestEvents.InvoicePaid("cus_tolerance", "sub_tolerance", clock.GetUtcNow());

        var receipt = await harness.Receiver.ReceiveAsync(payload, StripeTestEvents.Sign(payload, clock.GetUtcNow().AddSeconds(-299)), Cancellation);

        Assert.Equal(WebhookOutcome.Accepted, receipt.Outcome);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("t=1700000000")]
    [InlineData("v1=abc")]
    [InlineData("garbage")]
    public async Task RefuseAMissingOrMalformedSignatureHeader(string? header)
    {
        var harness = new BillingHarness(database, clock);
        var payload = StripeTestEvents.InvoicePaid("cus_noheader", "sub_noheader", clock.GetUtcNow());

        var receipt = await harness.Receiver.ReceiveAsync(payload, header, Cancellation);

        Assert.Equal(WebhookOutcome.Rejected, receipt.Outcome);
        Assert.Equal(0, await CountForCustomerAsync("cus_noheader"));
    }

    [Fact]
    public async Task AcceptThePreviousSecretDuringRotation()
    {
        var harness = new BillingHarness(database, clock, stripe: new StripeOptions
        {
            WebhookSecret = "whsec_new_rotated_secret_1111111111",
            PreviousWebhookSecret = StripeTestEvents.Secret,
        });
        var oldSigned = StripeTestEvents.InvoicePaid("cus_rotate", "sub_rotate", clock.GetUtcNow());
        var newSigned = StripeTestEvents.InvoicePaid("cus_rotate", "sub_rotate", clock.GetUtcNow());

        Assert.Equal(WebhookOutcome.Accepted, (await harness.DeliverAsync(oldSigned)).Outcome);
        Assert.Equal(WebhookOutcome.Accepted, (await harness.DeliverAsync(newSigned, "whsec_new_rotated_secret_1111111111")).Outcome);
        Assert.Equal(WebhookOutcome.Rejected, (await harness.DeliverAsync(StripeTestEvents.InvoicePaid("cus_rotate", "sub_rotate", clock.GetUtcNow()), "whsec_neither")).Outcome);
    }

    [Fact]
    public async Task SayItIsNotConfiguredWithoutASecret()
    {
        var harness = new BillingHarness(database, clock, stripe: new StripeOptions());
        var payload = StripeTestEvents.InvoicePaid("cus_noconfig", "sub_noconfig", clock.GetUtcNow());

        var receipt = await harness.DeliverAsync(payload);

        Assert.Equal(WebhookOutcome.NotConfigured, receipt.Outcome);
        Assert.Equal(0, await CountForCustomerAsync("cus_noconfig"));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"object\":\"event\"}")]
    [InlineData("[1,2,3]")]
    public async Task RefuseASignedBodyThatIsNotAStripeEvent(string body)
    {
        var harness = new BillingHarness(database, clock);
        await using var db = database.CreateContext();
        var before = await db.StripeEvents.CountAsync(Cancellation);

        var receipt = await harness.DeliverAsync(body);

        Assert.Equal(WebhookOutcome.Rejected, receipt.Outcome);
        Assert.Equal(before, await db.StripeEvents.CountAsync(Cancellation));
    }

    private async Task<int> CountAsync(string eventId)
    {
        await using var db = database.CreateContext();
        return await db.StripeEvents.CountAsync(e => e.Id == eventId, Cancellation);
    }

    private async Task<int> CountForCustomerAsync(string customer)
    {
        await using var db = database.CreateContext();
        return await db.StripeEvents.CountAsync(e => e.CustomerId == customer, Cancellation);
    }
}

public sealed class StripeWebhookReceiverShouldOnPostgres(PostgresDatabase database)
    : StripeWebhookReceiverShould(database), IClassFixture<PostgresDatabase>;

public sealed class StripeWebhookReceiverShouldOnSqlite(SqliteDatabase database)
    : StripeWebhookReceiverShould(database), IClassFixture<SqliteDatabase>;
