using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Tenancy.Admin.Features.Usage;
using Tenancy.Admin.Tests.Infrastructure;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Tests.Features.Usage;

/// <summary><c>POST /api/usage</c> over HTTP, as a product calls it: an API key, no session, no antiforgery token.</summary>
public sealed class UsageIngestEndpointShould
{
    private static readonly StaffActor Admin = new("dev-admin", "Ada Admin", "ada.admin@example.test", new HashSet<StaffRole> { StaffRole.Admin });

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CountABatchAndAReSentEventOnce()
    {
        await using var portal = new PortalFactory();
        using var client = portal.CreateClient();
        var tenant = await CreateTenantAsync(portal);
        var key = await CreateKeyAsync(portal);
        var body = Batch(Event("req-1", tenant, "ApiRequestsPerMonth", 40), Event("xfer-1", tenant, "TransferBytesPerMonth", 5_000_000));

        using var first = await PostAsync(client, key.Secret, body);
        using var again = await PostAsync(client, key.Secret, body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((2, 0), await CountsAsync(first));
        Assert.Equal((0, 2), await CountsAsync(again));
        Assert.Equal(40, await UsedAsync(portal, tenant, QuotaMetric.ApiRequestsPerMonth));
        Assert.Equal(5_000_000, await UsedAsync(portal, tenant, QuotaMetric.TransferBytesPerMonth));
        var keys = await portal.Services.GetRequiredService<UsageApiKeys>().ListAsync(Cancellation);
        Assert.NotNull(Assert.Single(keys).LastUsedAt);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("basic")]
    [InlineData("empty-bearer")]
    [InlineData("wrong")]
    [InlineData("malformed")]
    [InlineData("revoked")]
    public async Task AnswerUnauthorizedWithoutAValidKeyAndStoreNothing(string fault)
    {
        await using var portal = new PortalFactory();
        using var client = portal.CreateClient();
        var tenant = await CreateTenantAsync(portal);
        var key = await CreateKeyAsync(portal);
        if (fault == "revoked")
        {
            await portal.Services.GetRequiredService<UsageApiKeys>().RevokeAsync(Admin, key.Key.Id, "Leaked in a support ticket", Cancellation);
        }

        var header = fault switch
        {
            "missing" => null,
            "basic" => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:" + key.Secret)),
            "empty-bearer" => "Bearer ",
            "wrong" => "Bearer " + Wrong(key.Secret),
            "malformed" => "Bearer not-a-key",
            _ => "Bearer " + key.Secret,
        };

        using var response = await SendAsync(client, header, Batch(Event("e-1", tenant, "ApiRequestsPerMonth", 1)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace((await ProblemAsync(response)).GetProperty("detail").GetString()));
        Assert.Equal((0, 0, 0), await StoredAsync(portal));
    }

    [Fact]
    public async Task NameTheFirstBadEventAndStoreNothing()
    {
        await using var portal = new PortalFactory();
        using var client = portal.CreateClient();
        var tenant = await CreateTenantAsync(portal);
        var key = await CreateKeyAsync(portal);

        using var response = await PostAsync(client, key.Secret, Batch(
            Event("ok-1", tenant, "ApiRequestsPerMonth", 1),
            Event("neg-1", tenant, "ApiRequestsPerMonth", -3),
            Event("bad-metric", tenant, "Seats", 1)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ProblemAsync(response);
        Assert.Equal(1, problem.GetProperty("index").GetInt32());
        Assert.Equal("neg-1", problem.GetProperty("id").GetString());
        Assert.Contains("must not be negative", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("Nothing of the batch was stored", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), await StoredAsync(portal));
    }

    [Theory]
    [InlineData("{\"events\": [{\"id\": \"a\", \"amount\": \"12\"}]}", "$.events[0].amount")]
    [InlineData("{\"events\": [{\"id\": \"a\", \"amount\": 1.5}]}", "$.events[0].amount")]
    [InlineData("{\"events\": [{\"id\": 7}]}", "$.events[0].id")]
    [InlineData("{\"events\": [", "$.events")]
    [InlineData("not json", "$")]
    public async Task AnswerBadRequestForMalformedJsonNamingWhere(string body, string path)
    {
        await using var portal = new PortalFactory();
        using var client = portal.CreateClient();
        var key = await CreateKeyAsync(portal);

        using var response = await PostAsync(client, key.Secret, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.StartsWith(path, problem.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.Contains("not the expected JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), await StoredAsync(portal));
    }

    [Fact]
    public async Task RefuseAnOversizedBody()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?> { ["Usage:MaxIngestBodyBytes"] = "1024" });
        using var client = portal.CreateClient();
        var tenant = await CreateTenantAsync(portal);
        var key = await CreateKeyAsync(portal);
        var body = Batch([.. Enumerable.Range(0, 20).Select(i => Event($"big-{i}", tenant, "ApiRequestsPerMonth", 1))]);

        using var response = await PostAsync(client, key.Secret, body);

        Assert.True(Encoding.UTF8.GetByteCount(body) > 1024);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Usage:MaxIngestBodyBytes", (await ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), await StoredAsync(portal));
    }

    [Fact]
    public async Task AnswerTooManyRequestsWithRetryAfterOverTheKeysRateAndStoreNothingOfThatBatch()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?> { ["Usage:DefaultIngestRatePerSecond"] = "1000" });
        using var client = portal.CreateClient();
        var tenant = await CreateTenantAsync(portal);
        var slow = await CreateKeyAsync(portal, ratePerSecond: 3);
        var fast = await CreateKeyAsync(portal);

        // A full bucket lets a batch larger than a second's worth through and owes the rest (27 events, 9 s).
        using var fits = await PostAsync(client, slow.Secret, Batch([.. Enumerable.Range(0, 30).Select(i => Event($"a{i}", tenant, "ApiRequestsPerMonth", 1))]));
        using var over = await PostAsync(client, slow.Secret, Batch(Event("d", tenant, "ApiRequestsPerMonth", 1), Event("e", tenant, "ApiRequestsPerMonth", 1)));
        using var otherKey = await PostAsync(client, fast.Secret, Batch(Event("f", tenant, "ApiRequestsPerMonth", 1)));

        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        var retryAfter = over.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10)); // (2 + 27) / 3, less what refilled meanwhile
        Assert.Contains("3 events per second", (await ProblemAsync(over)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", over.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode); // a bucket per key
        Assert.Equal((31, 31, 2), await StoredAsync(portal));
    }

    [Fact]
    public async Task NeverWriteTheKeyToTheLogs()
    {
        using var logs = new FakeLoggerProvider();
        await using var portal = new PortalFactory(
            settings: new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Microsoft"] = "Trace",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
                ["Usage:DefaultIngestRatePerSecond"] = "2",
            },
            configureServices: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = portal.CreateClient();
        var tenant = await CreateTenantAsync(portal);
        var key = await CreateKeyAsync(portal);
        var revoked = await CreateKeyAsync(portal);
        await portal.Services.GetRequiredService<UsageApiKeys>().RevokeAsync(Admin, revoked.Key.Id, "Rotated after a test", Cancellation);

        var answers = new List<HttpStatusCode>();
        foreach (var (secret, body) in new[]
        {
            (key.Secret, Batch(Event("bad", tenant, "ApiRequestsPerMonth", -1))),
            (key.Secret, "{\"events\": [{\"amount\": \"x\"}]}"),
            (key.Secret, Batch([.. Enumerable.Range(0, 20).Select(i => Event($"ok{i}", tenant, "ApiRequestsPerMonth", 1))])), // leaves the bucket owing 18 s
            (key.Secret, Batch(Event("later", tenant, "ApiRequestsPerMonth", 1))),
            (Wrong(key.Secret), Batch(Event("w", tenant, "ApiRequestsPerMonth", 1))),
            (revoked.Secret, Batch(Event("r", tenant, "ApiRequestsPerMonth", 1))),
        })
        {
            using var response = await PostAsync(client, secret, body);
            answers.Add(response.StatusCode);
        }

        Assert.Equal(
            [HttpStatusCode.UnprocessableEntity, HttpStatusCode.BadRequest, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized],
            answers);
        var records = logs.Collector.GetSnapshot();
        var text = string.Join("\n", records.Select(r => $"{r.Category} {r.Message} {r.Exception} {string.Join(",", r.StructuredState?.Select(p => p.Value) ?? [])}"));
        Assert.Contains(key.Key.Prefix, text, StringComparison.Ordinal); // the capture sees the endpoint's lines
        Assert.Contains("/api/usage", text, StringComparison.Ordinal); // and the host's request lines
        foreach (var secret in new[] { key.Secret, revoked.Secret, Wrong(key.Secret) })
        {
            Assert.DoesNotContain(secret[UsageApiKey.PrefixLength..], text, StringComparison.Ordinal);
        }
    }

    private static string Wrong(string secret) => secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A');

    private static string Event(string id, Guid tenant, string metric, long amount) =>
        $"{{\"id\": \"{id}\", \"tenantId\": \"{tenant}\", \"metric\": \"{metric}\", \"amount\": {amount}}}";

    private static string Batch(params string[] events) => $"{{\"events\": [{string.Join(", ", events)}]}}";

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string secret, string body) =>
        SendAsync(client, "Bearer " + secret, body);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string? authorization, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, UsageIngestEndpoint.Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await client.SendAsync(request, Cancellation);
    }

    private static async Task<(int Accepted, int Duplicates)> CountsAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        return (body.RootElement.GetProperty("accepted").GetInt32(), body.RootElement.GetProperty("duplicates").GetInt32());
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        return body.RootElement.Clone();
    }

    private static Task<CreatedUsageApiKey> CreateKeyAsync(PortalFactory portal, int? ratePerSecond = null) =>
        portal.Services.GetRequiredService<UsageApiKeys>().CreateAsync(Admin, "Key " + Guid.NewGuid().ToString("N")[..6], ratePerSecond, Cancellation);

    private static async Task<Guid> CreateTenantAsync(PortalFactory portal)
    {
        var id = Guid.CreateVersion7();
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>().CreateDbContextAsync(Cancellation);
        db.Tenants.Add(new Tenant
        {
            Id = id,
            Name = "Usage tenant",
            Slug = "usage-" + id.ToString("N")[^10..],
            OwnerName = "Owner",
            OwnerEmail = "owner@example.test",
            Status = TenantStatus.Active,
            PlanId = PlanCatalog.Starter,
            Region = "eu-west",
            CreatedAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync(Cancellation);
        return id;
    }

    private static async Task<long> UsedAsync(PortalFactory portal, Guid tenant, QuotaMetric metric)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>().CreateDbContextAsync(Cancellation);
        return await db.UsageCounters.Where(c => c.TenantId == tenant && c.Metric == metric).SumAsync(c => c.Used, Cancellation);
    }

    /// <summary>What ingest stores: usage (the counters' sum), event ids and minute buckets.</summary>
    private static async Task<(long Used, int Ids, int Buckets)> StoredAsync(PortalFactory portal)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<TenancyDbContext>>().CreateDbContextAsync(Cancellation);
        var used = (await db.UsageCounters.Select(c => c.Used).ToListAsync(Cancellation)).Sum();
        return (used, await db.UsageIngestIds.CountAsync(Cancellation), await db.UsageBuckets.CountAsync(Cancellation));
    }
}
