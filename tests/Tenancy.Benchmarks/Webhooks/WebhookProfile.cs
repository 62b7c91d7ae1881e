using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Stripe;
using Tenancy.Core.Features.Billing;
using Tenancy.Testing;

namespace Tenancy.Benchmarks.Webhooks;

/// <summary>
/// Where the time goes: the parts of accepting an event timed one by one on one thread, and the
/// database commands (count and client-side duration, from Npgsql's activity source) of a run.
/// </summary>
internal static class WebhookProfile
{
    /// <summary>Accepting, piece by piece: signature HMAC, Stripe.net's ConstructEvent, the facts parse, the whole ReceiveAsync.</summary>
    public static async Task AcceptPartsAsync(StripeWebhookReceiver receiver, WebhookEvents events, int count)
    {
        var deliveries = events.Deliveries(count, 0);
        var secret = Encoding.UTF8.GetBytes(StripeTestEvents.Secret);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var hmac = Time(deliveries, d =>
        {
            var timestamp = d.Signature.AsSpan(2, d.Signature.IndexOf(',', StringComparison.Ordinal) - 2).ToString();
            HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(timestamp + "." + d.Payload));
        });
        var construct = Time(deliveries, d => EventUtility.ConstructEvent(d.Payload, d.Signature, StripeTestEvents.Secret, 300, now, false));
        var validate = Time(deliveries, d => EventUtility.ValidateSignature(d.Payload, d.Signature, StripeTestEvents.Secret, 300, now));
        var facts = Time(deliveries, d => StripeEventFacts.Parse(d.Payload));

        // The whole receive, sequential: verification, parse and the INSERT round trip.
        for (var i = 0; i < 200; i++)
        {
            await receiver.ReceiveAsync(deliveries[i].Payload, deliveries[i].Signature);
        }

        using var commands = new CommandLog();
        var start = Stopwatch.GetTimestamp();
        for (var i = 200; i < deliveries.Length; i++)
        {
            await receiver.ReceiveAsync(deliveries[i].Payload, deliveries[i].Signature);
        }

        var receive = Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1000 / (deliveries.Length - 200);
        var db = commands.TotalMilliseconds * 1000 / (deliveries.Length - 200);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# profile accept (one thread, us per event, {Avg(deliveries):N0}-byte bodies): HMAC-SHA256 {hmac:F0}, EventUtility.ConstructEvent {construct:F0} " +
            $"(verifies and builds Stripe.net's typed event), EventUtility.ValidateSignature {validate:F0} (verifies only), StripeEventFacts.Parse {facts:F0}, whole ReceiveAsync {receive:F0} of which INSERT round trip {db:F0}"));
    }

    private static double Time(Delivery[] deliveries, Action<Delivery> action)
    {
        for (var i = 0; i < Math.Min(200, deliveries.Length); i++)
        {
            action(deliveries[i]);
        }

        var start = Stopwatch.GetTimestamp();
        foreach (var delivery in deliveries)
        {
            action(delivery);
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1000 / deliveries.Length;
    }

    private static double Avg(Delivery[] deliveries) => deliveries.Average(d => d.Body.Length);

    /// <summary>Counts Npgsql commands and sums their duration as the client sees it, while alive.</summary>
    internal sealed class CommandLog : IDisposable
    {
        private readonly ActivityListener _listener;
        private long _count;
        private long _ticks;

        public CommandLog()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Npgsql",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = activity =>
                {
                    Interlocked.Increment(ref _count);
                    Interlocked.Add(ref _ticks, activity.Duration.Ticks);
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public long Count => Interlocked.Read(ref _count);

        public double TotalMilliseconds => TimeSpan.FromTicks(Interlocked.Read(ref _ticks)).TotalMilliseconds;

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Per event: commands, their summed duration, and the rest (EF Core, JSON, the processor's own work).</summary>
    public static string Describe(CommandLog log, int events, double seconds) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{(double)log.Count / events:F1} commands per event, database {log.TotalMilliseconds / events:F2} ms per event, " +
            $"wall {seconds * 1000 / events:F2} ms per event (the rest is in-process work)");
}
