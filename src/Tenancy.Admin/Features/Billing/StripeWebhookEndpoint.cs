using System.Text;
using Microsoft.Extensions.Options;
using Tenancy.Core.Features.Billing;

namespace Tenancy.Admin.Features.Billing;

public static class StripeWebhookEndpoint
{
    public const string Path = "/webhooks/stripe";

    /// <summary>
    /// The webhook endpoint's configuration. Outside Development the web role refuses to start
    /// without <c>Stripe:WebhookSecret</c>: an endpoint that cannot verify would either reject
    /// every event or, worse, be tempted to accept unverified ones.
    /// </summary>
    public static WebApplicationBuilder AddBillingWebhooks(this WebApplicationBuilder builder)
    {
        var stripe = builder.Configuration.GetSection(StripeOptions.SectionName).Get<StripeOptions>() ?? new StripeOptions();
        if (!builder.Environment.IsDevelopment() && !stripe.Secrets().Any())
        {
            throw new InvalidOperationException(
                "Stripe:WebhookSecret is not set, so Stripe webhooks could not be verified. Set it to the endpoint's signing secret " +
                "(whsec_…) from the Stripe dashboard, through an environment variable (Stripe__WebhookSecret) or a secret store. See appsettings.sample.json.");
        }

        return builder;
    }

    /// <summary>
    /// <c>POST /webhooks/stripe</c>: anonymous (Stripe signs instead), no antiforgery token
    /// (Stripe cannot send one; the signature is the proof). 200 when stored or already stored,
    /// 400 for a missing, forged or stale signature (nothing stored), 413 for an oversized body,
    /// 503 when no secret is configured.
    /// </summary>
    public static WebApplication MapStripeWebhooks(this WebApplication app)
    {
        app.MapPost(Path, async (HttpRequest request, StripeWebhookReceiver receiver, IOptions<StripeOptions> options, CancellationToken cancellationToken) =>
            {
                var limit = options.Value.MaxPayloadBytes;
                if (request.ContentLength > limit)
                {
                    return Results.Json(new { error = $"The body is larger than {limit} bytes." }, statusCode: StatusCodes.Status413PayloadTooLarge);
                }

                var payload = await ReadBodyAsync(request, limit, cancellationToken);
                if (payload is null)
                {
                    return Results.Json(new { error = $"The body is larger than {limit} bytes." }, statusCode: StatusCodes.Status413PayloadTooLarge);
                }

                var receipt = await receiver.ReceiveAsync(payload, request.Headers["Stripe-Signature"].ToString(), cancellationToken);
                return receipt.Outcome switch
                {
                    WebhookOutcome.Accepted => Results.Ok(new { received = true, id = receipt.EventId, duplicate = false }),
                    WebhookOutcome.Duplicate => Results.Ok(new { received = true, id = receipt.EventId, duplicate = true }),
                    WebhookOutcome.NotConfigured => Results.Json(new { error = receipt.Message }, statusCode: StatusCodes.Status503ServiceUnavailable),
                    _ => Results.Json(new { error = receipt.Message }, statusCode: StatusCodes.Status400BadRequest),
                };
            })
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("StripeWebhook");
        return app;
    }

    /// <summary>The body as UTF-8 text (the exact bytes Stripe signed), or null when over <paramref name="limit"/>.</summary>
    private static async Task<string?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(request.ContentLength is { } length and > 0 ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
