using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Tenancy.Testing;

namespace Tenancy.Benchmarks.Webhooks;

/// <summary>A seeded tenant's Stripe customer and subscription.</summary>
internal sealed record StripeCustomer(string CustomerId, string SubscriptionId);

/// <summary>One delivery as Stripe makes it: the body and its <c>Stripe-Signature</c> header.</summary>
internal sealed record Delivery(byte[] Body, string Signature, string Payload);

/// <summary>
/// Realistic events for the seeded customers: invoice.payment_failed (40 %), invoice.paid (30 %),
/// customer.subscription.updated (30 %: active, past_due, some canceled). Creation times are
/// unique and increase, so every event is newer than the ones generated before it.
/// </summary>
internal sealed class WebhookEvents(IReadOnlyList<StripeCustomer> customers, int seed)
{
    private readonly Random _random = new(seed);
    private readonly DateTimeOffset _origin = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeSeconds());
    private long _created;

    public string Next()
    {
        var customer = customers[_random.Next(customers.Count)];
        var created = _origin.AddSeconds(++_created);
        var roll = _random.NextDouble();
        return roll switch
        {
            < 0.40 => StripeTestEvents.InvoicePaymentFailed(customer.CustomerId, customer.SubscriptionId, created),
            < 0.70 => StripeTestEvents.InvoicePaid(customer.CustomerId, customer.SubscriptionId, created),
            < 0.91 => StripeTestEvents.SubscriptionUpdated(customer.CustomerId, customer.SubscriptionId, "active", created, "past_due"),
            < 0.97 => StripeTestEvents.SubscriptionUpdated(customer.CustomerId, customer.SubscriptionId, "past_due", created, "active"),
            _ => StripeTestEvents.SubscriptionUpdated(customer.CustomerId, customer.SubscriptionId, "canceled", created, "past_due"),
        };
    }

    /// <summary>
    /// <paramref name="count"/> deliveries signed now; a share of them are redeliveries of an
    /// event sent at least <see cref="RedeliveryDistance"/> deliveries earlier (Stripe retries
    /// with the same event id and a new signature).
    /// </summary>
    public Delivery[] Deliveries(int count, double redeliveryShare)
    {
        var signedAt = DateTimeOffset.UtcNow;
        var deliveries = new Delivery[count];
        for (var i = 0; i < count; i++)
        {
            var payload = i >= RedeliveryDistance && _random.NextDouble() < redeliveryShare
                ? deliveries[_random.Next(i - RedeliveryDistance + 1)].Payload
                : Next();
            deliveries[i] = new Delivery(Encoding.UTF8.GetBytes(payload), StripeTestEvents.Sign(payload, signedAt), payload);
        }

        return deliveries;
    }

    public const int RedeliveryDistance = 2_000;
}

/// <summary>Latencies and outcomes of one load run.</summary>
internal sealed record LoadResult(int Sent, int Accepted, int Duplicates, int Errors, double Seconds, double[] LatenciesMs)
{
    public double EventsPerSecond => Sent / Seconds;

    public double P50 => Percentile(0.50);

    public double P95 => Percentile(0.95);

    public double P99 => Percentile(0.99);

    public double Max => LatenciesMs[^1];

    /// <summary>Nearest-rank percentile (latencies are sorted).</summary>
    public double Percentile(double p) => LatenciesMs[Math.Clamp((int)Math.Ceiling(p * LatenciesMs.Length) - 1, 0, LatenciesMs.Length - 1)];

    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture,
            $"events_per_s={EventsPerSecond:F0} p50_ms={P50:F2} p95_ms={P95:F2} p99_ms={P99:F2} max_ms={Max:F1} sent={Sent} accepted={Accepted} duplicates={Duplicates} errors={Errors}");
}

/// <summary>
/// Sends deliveries to an endpoint over HTTP/1.1 keep-alive connections from this process (the
/// load generator shares the machine's cores with the server and PostgreSQL).
/// </summary>
internal sealed class WebhookSender(Uri server, int maxConnections) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseCookies = false,
    })
    {
        BaseAddress = server,
        Timeout = TimeSpan.FromMinutes(2),
    };

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    /// <summary>Closed loop: <paramref name="concurrency"/> senders, each sending its next delivery when the previous one is answered.</summary>
    public async Task<LoadResult> ClosedLoopAsync(string path, Delivery[] deliveries, int concurrency)
    {
        var latencies = new double[deliveries.Length];
        var outcomes = new Outcome[deliveries.Length];
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < deliveries.Length)
            {
                var sent = Stopwatch.GetTimestamp();
                outcomes[i] = await SendAsync(path, deliveries[i]);
                latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }
        })));
        return Result(latencies, outcomes, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>
    /// Open loop: deliveries start on a fixed schedule (<paramref name="rate"/> per second) whether
    /// or not earlier ones have been answered, as Stripe delivers. Latency counts from the
    /// scheduled start, so a server that falls behind is charged for the queue it builds.
    /// </summary>
    public async Task<LoadResult> OpenLoopAsync(string path, Delivery[] deliveries, double rate)
    {
        var latencies = new double[deliveries.Length];
        var outcomes = new Outcome[deliveries.Length];
        var tasks = new Task[deliveries.Length];
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < deliveries.Length; i++)
        {
            var due = start + (long)(i * interval);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait >= TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                var from = Math.Max(due, Stopwatch.GetTimestamp());
                outcomes[index] = await SendAsync(path, deliveries[index]);
                latencies[index] = Stopwatch.GetElapsedTime(from).TotalMilliseconds;
            });
        }

        await Task.WhenAll(tasks);
        return Result(latencies, outcomes, Stopwatch.GetElapsedTime(start));
    }

    private async Task<Outcome> SendAsync(string path, Delivery delivery)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(delivery.Body) };
            request.Content.Headers.ContentType = Json;
            request.Headers.TryAddWithoutValidation("Stripe-Signature", delivery.Signature);
            using var response = await _client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                return Outcome.Error;
            }

            return body.Contains("\"duplicate\":true", StringComparison.Ordinal) ? Outcome.Duplicate : Outcome.Accepted;
        }
        catch (HttpRequestException)
        {
            return Outcome.Error;
        }
    }

    private static LoadResult Result(double[] latencies, Outcome[] outcomes, TimeSpan elapsed)
    {
        Array.Sort(latencies);
        return new LoadResult(
            outcomes.Length,
            outcomes.Count(o => o == Outcome.Accepted),
            outcomes.Count(o => o == Outcome.Duplicate),
            outcomes.Count(o => o == Outcome.Error),
            elapsed.TotalSeconds,
            latencies);
    }

    public void Dispose() => _client.Dispose();

    private enum Outcome : byte
    {
        Error,
        Accepted,
        Duplicate,
    }
}
