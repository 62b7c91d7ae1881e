using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Features.Usage;

/// <summary>The body of <c>POST /api/usage</c>.</summary>
public sealed record UsageIngestRequest
{
    public List<UsageEventInput?>? Events { get; init; }
}

/// <summary>What <c>POST /api/usage</c> answers on success.</summary>
public sealed record UsageIngestResponse(int Accepted, int Duplicates);

/// <summary>Exact, case-sensitive camelCase names; numbers as numbers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(UsageIngestRequest))]
[JsonSerializable(typeof(UsageIngestResponse))]
internal sealed partial class UsageIngestJson : JsonSerializerContext;

public static partial class UsageIngestEndpoint
{
    public const string Path = "/api/usage";

    /// <summary>The usage ingest API's per-key rate limiter (the key store and ingest come with the core features).</summary>
    public static WebApplicationBuilder AddUsageIngestApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<UsageIngestRateLimiter>();
        return builder;
    }

    /// <summary>
    /// <c>POST /api/usage</c>: a product sends usage events with an API key
    /// (<c>Authorization: Bearer tua_…</c>), not a staff session, so the endpoint is anonymous to
    /// staff sign-in and needs no antiforgery token (no cookie is read). Answers 200
    /// <c>{ accepted, duplicates }</c>; 401 for a missing, malformed, unknown or revoked key; 400 for
    /// a body that is not JSON of the expected shape; 413 for one over <c>Usage:MaxIngestBodyBytes</c>;
    /// 422 naming the first bad event (nothing stored); 429 with <c>Retry-After</c> over the key's
    /// rate (nothing stored). Errors are <c>application/problem+json</c>. The key's secret is never
    /// logged: only its prefix.
    /// </summary>
    public static WebApplication MapUsageIngestApi(this WebApplication app)
    {
        app.MapPost(Path, HandleAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("UsageIngest");
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext context,
        UsageApiKeys keys,
        UsageIngest ingest,
        UsageIngestRateLimiter limiter,
        IOptions<UsageOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(UsageIngestEndpoint));
        var secret = BearerToken(context.Request.Headers.Authorization.ToString(), out var headerProblem);
        if (secret is null)
        {
            return Unauthorized(context, headerProblem!, invalidToken: false);
        }

        var key = await keys.AuthenticateAsync(secret, cancellationToken);
        if (key is null)
        {
            Log.UnknownKey(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return Unauthorized(context, "The API key is not valid, or it was revoked.", invalidToken: true);
        }

        var limit = options.Value.MaxIngestBodyBytes;
        var body = await ReadBodyAsync(context, limit, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Body too large",
                $"The body is larger than {limit:N0} bytes (Usage:MaxIngestBodyBytes). Send fewer events per request.");
        }

        UsageIngestRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body, UsageIngestJson.Default.UsageIngestRequest);
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed JSON", DescribeJsonError(ex),
                new Dictionary<string, object?> { ["path"] = ex.Path });
        }

        var events = request?.Events;
        var count = events?.Count ?? 0;
        var rate = limiter.TryTake(key, count);
        if (!rate.Allowed)
        {
            Log.RateLimited(logger, key.Prefix, count, rate.RetryAfterSeconds);
            context.Response.Headers.RetryAfter = rate.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status429TooManyRequests, "Too many events",
                $"This key may send {key.RatePerSecond ?? options.Value.DefaultIngestRatePerSecond:N0} events per second; this batch of {count:N0} does not fit now. Retry after {rate.RetryAfterSeconds} s. Nothing was stored.");
        }

        try
        {
            var result = await ingest.IngestAsync(key.Id, events, cancellationToken);
            await keys.MarkUsedAsync(key, cancellationToken);
            Log.Ingested(logger, key.Prefix, result.Accepted, result.Duplicates);
            return Results.Json(new UsageIngestResponse(result.Accepted, result.Duplicates), UsageIngestJson.Default.UsageIngestResponse);
        }
        catch (UsageIngestRejectedException refused)
        {
            limiter.Refund(key, count);
            Log.Refused(logger, key.Prefix, refused.Problem.ToString());
            return Problem(StatusCodes.Status422UnprocessableEntity, "Batch refused", refused.Problem + " Nothing of the batch was stored.",
                new Dictionary<string, object?>
                {
                    ["index"] = refused.Problem.Index,
                    ["id"] = refused.Problem.EventId,
                    ["reason"] = refused.Problem.Reason,
                });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            limiter.Refund(key, count);
            Log.Failed(logger, ex, key.Prefix, count);
            throw;
        }
    }

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, or null and why not.</summary>
    private static string? BearerToken(string header, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            problem = "Send the API key in an Authorization: Bearer header.";
            return null;
        }

        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            problem = "The Authorization header must be \"Bearer\" followed by the API key.";
            return null;
        }

        return header[scheme.Length..].Trim();
    }

    private static IResult Unauthorized(HttpContext context, string detail, bool invalidToken)
    {
        context.Response.Headers.WWWAuthenticate = invalidToken ? "Bearer error=\"invalid_token\"" : "Bearer";
        return Problem(StatusCodes.Status401Unauthorized, "API key required", detail);
    }

    private static IResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);

    /// <summary>The body, or null when it is over <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, int limit, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            return null;
        }

        // Kestrel's own limit (30 MB by default) must not answer first, without a body.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + 1L;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 16 * 1024);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string DescribeJsonError(JsonException ex)
    {
        var where = ex.Path is { Length: > 0 } path ? $" at {path}" : "";
        var position = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
        var what = ex.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? "a value has the wrong type (id, tenantId, metric and timestamp are strings, amount a whole number)"
            : "it is not well-formed JSON";
        return $"The body is not the expected JSON{where}{position}: {what}. Expected {{\"events\": [{{\"id\": \"…\", \"tenantId\": \"…\", \"metric\": \"ApiRequestsPerMonth\", \"amount\": 1}}]}}.";
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Usage request with an unknown or revoked API key from {RemoteAddress}")]
        public static partial void UnknownKey(ILogger logger, string remoteAddress);

        [LoggerMessage(2, LogLevel.Information, "Usage batch of {Events} events from key {KeyPrefix} over its rate; retry after {RetryAfter} s")]
        public static partial void RateLimited(ILogger logger, string keyPrefix, int events, int retryAfter);

        [LoggerMessage(3, LogLevel.Debug, "Usage batch from key {KeyPrefix}: {Accepted} accepted, {Duplicates} duplicates")]
        public static partial void Ingested(ILogger logger, string keyPrefix, int accepted, int duplicates);

        [LoggerMessage(4, LogLevel.Information, "Usage batch from key {KeyPrefix} refused: {Problem}")]
        public static partial void Refused(ILogger logger, string keyPrefix, string problem);

        [LoggerMessage(5, LogLevel.Error, "Usage batch of {Events} events from key {KeyPrefix} failed")]
        public static partial void Failed(ILogger logger, Exception exception, string keyPrefix, int events);
    }
}
