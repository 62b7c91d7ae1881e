extern alias portal;

using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Billing;
using Tenancy.Testing;

namespace Tenancy.Benchmarks.Webhooks;

/// <summary>
/// The real portal (its <c>Program</c>, middleware and services) on Kestrel on a loopback port,
/// in the <c>web</c> role (no background processor), Production environment, against the
/// benchmark database; plus the naive endpoint <see cref="InlinePath"/> for comparison.
/// </summary>
internal sealed class WebhookPortal : WebApplicationFactory<portal::Program>
{
    /// <summary>
    /// The naive comparison: verify, store and apply in the request (what an endpoint without an
    /// inbox and worker does). Runs the same receiver, then the same processor with one event per
    /// transaction. Mapped in front of the portal's middleware, so it skips security headers,
    /// authentication and routing: a small head start for the naive side.
    /// </summary>
    public const string InlinePath = "/bench/webhooks/stripe-inline";

    /// <summary>
    /// The receiver as it was before it verified with <c>ValidateSignature</c>: Stripe.net's
    /// <c>ConstructEvent</c> (verify and build the typed event) first, then the receiver. Mapped
    /// in front of the portal's middleware like <see cref="InlinePath"/>, for a before/after in one run.
    /// </summary>
    public const string ConstructPath = "/bench/webhooks/stripe-construct";

    /// <summary>The receiver alone, mapped in front of the portal's middleware: the fair "after" for <see cref="ConstructPath"/>.</summary>
    public const string ReceivePath = "/bench/webhooks/stripe-receive";

    private readonly string _connectionString;

    public WebhookPortal(string connectionString)
    {
        _connectionString = connectionString;
        UseKestrel(0);
    }

    public Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.Single());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Production);
        builder.UseContentRoot(BenchPaths.PortalContentRoot());
        builder.UseSetting("Role", "web");
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Tenancy", _connectionString);
        builder.UseSetting("Database:DemoTenants", "0");
        builder.UseSetting("Stripe:WebhookSecret", StripeTestEvents.Secret);

        // Production refuses to start without sign-in settings; the provider is never contacted
        // (the webhook endpoint is anonymous, so nothing challenges).
        builder.UseSetting("Auth:Authority", "https://login.example.invalid/");
        builder.UseSetting("Auth:ClientId", "tenancy-admin-bench");
        builder.UseSetting("Auth:ClientSecret", "not-a-secret");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");

        // Production refuses to keep data-protection keys unencrypted: a throwaway certificate.
        builder.UseSetting("DataProtection:CertificatePath", BenchCertificate.Path);
        builder.UseSetting("DataProtection:CertificatePassword", BenchCertificate.Password);

        builder.ConfigureServices(services =>
        {
            services.AddSingleton(sp => new InlineProcessor(new StripeEventProcessor(
                sp.GetRequiredService<IDbContextFactory<TenancyDbContext>>(),
                sp.GetRequiredService<AuditLog>(),
                Options.Create(new BillingOptions { BatchSize = 1 }),
                TimeProvider.System,
                NullLogger<StripeEventProcessor>.Instance)));
            services.AddSingleton<IStartupFilter, InlineEndpointFilter>();
        });
    }

    /// <summary>The processor the naive endpoint applies with (one event per transaction).</summary>
    internal sealed record InlineProcessor(StripeEventProcessor Processor);

    private sealed class InlineEndpointFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map(InlinePath, branch => branch.Run(HandleAsync));
            app.Map(ConstructPath, branch => branch.Run(context => ReceiveAsync(context, construct: true)));
            app.Map(ReceivePath, branch => branch.Run(context => ReceiveAsync(context, construct: false)));
            next(app);
        };

        private static async Task ReceiveAsync(HttpContext context, bool construct)
        {
            var receiver = context.RequestServices.GetRequiredService<StripeWebhookReceiver>();
            var payload = await ReadAsync(context);
            var signature = context.Request.Headers["Stripe-Signature"].ToString();
            if (construct)
            {
                Stripe.EventUtility.ConstructEvent(payload, signature, StripeTestEvents.Secret, StripeOptions.SignatureToleranceSeconds,
                    DateTimeOffset.UtcNow.ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
            }

            var receipt = await receiver.ReceiveAsync(payload, signature, context.RequestAborted);
            context.Response.StatusCode = receipt.Outcome is WebhookOutcome.Accepted or WebhookOutcome.Duplicate ? 200 : 400;
            await context.Response.WriteAsJsonAsync(
                new { received = context.Response.StatusCode == 200, id = receipt.EventId, duplicate = receipt.Outcome == WebhookOutcome.Duplicate },
                context.RequestAborted);
        }

        private static async Task<string> ReadAsync(HttpContext context)
        {
            using var buffer = new MemoryStream(4096);
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        private static async Task HandleAsync(HttpContext context)
        {
            var receiver = context.RequestServices.GetRequiredService<StripeWebhookReceiver>();
            var inline = context.RequestServices.GetRequiredService<InlineProcessor>();
            var payload = await ReadAsync(context);
            var receipt = await receiver.ReceiveAsync(payload, context.Request.Headers["Stripe-Signature"].ToString(), context.RequestAborted);
            if (receipt.Outcome == WebhookOutcome.Accepted)
            {
                // Apply now, in the request: claims the oldest pending event (this one, or one a
                // concurrent request stored and has not claimed yet) and applies it.
                await inline.Processor.ProcessBatchAsync(context.RequestAborted);
            }

            context.Response.StatusCode = receipt.Outcome is WebhookOutcome.Accepted or WebhookOutcome.Duplicate ? 200 : 400;
            await context.Response.WriteAsJsonAsync(
                new { received = context.Response.StatusCode == 200, id = receipt.EventId, duplicate = receipt.Outcome == WebhookOutcome.Duplicate },
                context.RequestAborted);
        }
    }
}

/// <summary>A self-signed certificate in a temporary file for the run's portals, deleted at exit.</summary>
internal static class BenchCertificate
{
    public static string Password { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

    public static string Path { get; } = Create();

    private static string Create()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=tenancy-bench", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tenancy-bench-dp-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, Password));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }
}
