using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Admin.Features.Usage;

/// <summary>Whether a batch may go in now; if not, how many whole seconds until it may.</summary>
public readonly record struct RateDecision(bool Allowed, int RetryAfterSeconds);

/// <summary>
/// Events per second per API key on this instance: a token bucket per key holding one second of
/// its rate (<see cref="UsageApiKey.RatePerSecond"/>, or <see cref="UsageOptions.DefaultIngestRatePerSecond"/>),
/// refilled continuously. A batch needs as many tokens as it has events; a batch larger than a
/// whole second's worth goes in when the bucket is full and leaves it owing, so the average holds
/// and any batch the API takes can get through. Several instances each allow the rate.
/// </summary>
public sealed class UsageIngestRateLimiter(IOptions<UsageOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, Bucket> buckets = new();

    public RateDecision TryTake(AuthenticatedUsageKey key, int events)
    {
        var rate = key.RatePerSecond ?? options.Value.DefaultIngestRatePerSecond;
        var bucket = buckets.GetOrAdd(key.Id, static (_, state) => new Bucket(state.rate, state.now), (rate, now: clock.GetTimestamp()));
        lock (bucket)
        {
            bucket.Refill(rate, clock);
            var needed = Math.Min(events, rate);
            if (bucket.Tokens >= needed)
            {
                bucket.Tokens -= events;
                return new RateDecision(true, 0);
            }

            return new RateDecision(false, Math.Max(1, (int)Math.Ceiling((needed - bucket.Tokens) / rate)));
        }
    }

    /// <summary>Gives back what a refused batch took (nothing of it was stored).</summary>
    public void Refund(AuthenticatedUsageKey key, int events)
    {
        if (buckets.TryGetValue(key.Id, out var bucket))
        {
            lock (bucket)
            {
                bucket.Tokens = Math.Min(bucket.Tokens + events, key.RatePerSecond ?? options.Value.DefaultIngestRatePerSecond);
            }
        }
    }

    private sealed class Bucket(double tokens, long updated)
    {
        public double Tokens { get; set; } = tokens;

        private long updated = updated;

        public void Refill(int rate, TimeProvider clock)
        {
            var now = clock.GetTimestamp();
            Tokens = Math.Min(rate, Tokens + clock.GetElapsedTime(updated, now).TotalSeconds * rate);
            updated = now;
        }
    }
}
