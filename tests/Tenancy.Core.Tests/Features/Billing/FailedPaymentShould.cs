using Tenancy.Core.Features.Billing;

namespace Tenancy.Core.Tests.Features.Billing;

public sealed class FailedPaymentShould
{
    private static readonly DateTime FailedAt = new(2026, 11, 20, 8, 30, 0, DateTimeKind.Utc);

    [Fact]
    public void ReadTheAmountAttemptRetryAndInvoiceOfAStripePayload()
    {
        var payload = Tenancy.Testing.StripeTestEvents.InvoicePaymentFailed("cus_1", "sub_1", new DateTimeOffset(FailedAt));

        var failed = FailedPayment.From("evt_1", FailedAt, payload);

        Assert.Equal(("49.00 GBP", 2, FailedAt.AddDays(3), false), (failed.AmountText, failed.AttemptCount, failed.NextAttemptAt, failed.Livemode));
        Assert.StartsWith("https://invoice.stripe.com/", failed.InvoiceUrl, StringComparison.Ordinal);
    }

    [Fact]
    public void CountZeroDecimalCurrenciesInWholeUnitsAndLeaveOutWhatIsMissingOrUnsafe()
    {
        const string payload = """
            {"id":"evt_2","livemode":true,"data":{"object":{"amount_due":4900,"currency":"jpy","next_payment_attempt":null,"hosted_invoice_url":"javascript:alert(1)"}}}
            """;

        var failed = FailedPayment.From("evt_2", FailedAt, payload);

        Assert.Equal(("4,900 JPY", null, null, null, true), (failed.AmountText, failed.AttemptCount, failed.NextAttemptAt, failed.InvoiceUrl, failed.Livemode));
    }

    [Fact]
    public void SayNothingOfAnAmountWhenTheEventCarriesNone()
    {
        var failed = FailedPayment.From("evt_3", FailedAt, """{"id":"evt_3","data":{}}""");

        Assert.Null(failed.AmountText);
        Assert.False(failed.Livemode);
    }

    [Theory]
    [InlineData(true, "https://dashboard.stripe.com/customers/cus_A1", "https://dashboard.stripe.com/subscriptions/sub_B2")]
    [InlineData(false, "https://dashboard.stripe.com/test/customers/cus_A1", "https://dashboard.stripe.com/test/subscriptions/sub_B2")]
    public void LinkToTheDashboardInTheEventsMode(bool livemode, string customer, string subscription)
    {
        Assert.Equal((customer, subscription), (StripeDashboard.Customer("cus_A1", livemode), StripeDashboard.Subscription("sub_B2", livemode)));
    }
}
